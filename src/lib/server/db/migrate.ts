/**
 * Applies supabase/migrations/*.sql in name order, each file in its own transaction,
 * and records each applied file with its SHA-256. A start refuses to go on when a file
 * that was applied has since been changed (the database and the code would disagree),
 * or when a file fails (it is rolled back whole and named).
 *
 * Versions that `supabase db push` recorded in supabase_migrations.schema_migrations
 * count as applied, so a database deployed with the Supabase CLI is not migrated twice.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BOOTSTRAP_SQL, IS_SUPABASE_SQL } from './bootstrap';
import type { Database } from './port';

export type Migration = { version: string; name: string; file: string; sql: string; sha256: string };

export class MigrationError extends Error {
	constructor(
		readonly file: string,
		problem: string
	) {
		super(`migration ${file}: ${problem}`);
		this.name = 'MigrationError';
	}
}

const NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;

export function readMigrations(dir: string): Migration[] {
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.sql'))
		.sort()
		.map((file) => {
			const match = NAME.exec(file);
			if (!match) throw new MigrationError(file, 'name must be <YYYYMMDDHHMMSS>_<snake_case>.sql');
			const sql = fs.readFileSync(path.join(dir, file), 'utf8');
			return {
				version: match[1]!,
				name: match[2]!,
				file,
				sql,
				sha256: createHash('sha256').update(sql).digest('hex')
			};
		});
}

const LEDGER_SQL = /* sql */ `
create schema if not exists app_meta;
revoke all on schema app_meta from public;
create table if not exists app_meta.migrations (
  version text primary key,
  name text not null,
  sha256 text not null,
  applied_at timestamptz not null default now()
);
alter table app_meta.migrations enable row level security;
comment on table app_meta.migrations is 'Migrations applied by the app''s runner, with the hash of each file as applied.';
`;

export type MigrateResult = { applied: string[]; bootstrapped: boolean };

/** `report` gets a line per step (the server logs them: a first start that takes minutes must not look hung). */
export async function migrate(db: Database, migrations: Migration[], report: (line: string) => void = () => {}): Promise<MigrateResult> {
	const [{ supabase } = { supabase: false }] = await db.query<{ supabase: boolean }>(IS_SUPABASE_SQL);
	if (!supabase) await db.exec(BOOTSTRAP_SQL);
	await db.exec(LEDGER_SQL);

	const recorded = new Map(
		(await db.query<{ version: string; sha256: string }>('select version, sha256 from app_meta.migrations')).map(
			(row) => [row.version, row.sha256]
		)
	);
	const [{ exists: cliLedger } = { exists: false }] = await db.query<{ exists: boolean }>(
		`select to_regclass('supabase_migrations.schema_migrations') is not null as exists`
	);
	const pushed = new Set(
		cliLedger
			? (await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).map(
					(row) => row.version
				)
			: []
	);

	for (const m of migrations) {
		const sha = recorded.get(m.version);
		if (sha !== undefined && sha !== m.sha256) {
			throw new MigrationError(
				m.file,
				'was changed after it was applied to this database. Applied migrations must never be edited: ' +
					'restore the file and put the change in a new migration.'
			);
		}
	}

	const applied: string[] = [];
	const pending = migrations.filter((m) => !recorded.has(m.version) && !pushed.has(m.version));
	if (pending.length) report(`applying ${pending.length} migration(s)`);
	for (const m of pending) {
		report(`migration ${applied.length + 1}/${pending.length}: ${m.file}`);
		try {
			await db.transaction(async (tx) => {
				// Supabase runs migrations with extensions on the search path; do the same.
				await tx.exec(`set local search_path to public, extensions;\n${m.sql}`);
				await tx.query('insert into app_meta.migrations (version, name, sha256) values ($1, $2, $3)', [
					m.version,
					m.name,
					m.sha256
				]);
			});
		} catch (error) {
			throw new MigrationError(m.file, `failed and was rolled back: ${(error as Error).message}`);
		}
		applied.push(m.file);
	}
	return { applied, bootstrapped: !supabase };
}
