import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends } from '../testing/db';
import { migrate, MigrationError, readMigrations } from './migrate';
import type { Database } from './port';

function folder(files: Record<string, string>): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
	for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
	return dir;
}

describe('readMigrations', () => {
	it('refuses a file whose name is not <timestamp>_<name>.sql', () => {
		const dir = folder({ 'add_things.sql': 'select 1;' });
		expect(() => readMigrations(dir)).toThrow(/add_things\.sql: name must be/);
	});

	it('orders files by name and hashes their content', () => {
		const dir = folder({ '20260102000000_b.sql': 'select 2;', '20260101000000_a.sql': 'select 1;' });
		const list = readMigrations(dir);
		expect(list.map((m) => m.file)).toEqual(['20260101000000_a.sql', '20260102000000_b.sql']);
		expect(list[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
	});
});

describe.each(backends())('migrations on $name', (backend) => {
	let db: Database;
	beforeEach(async () => {
		db = await backend.open();
	});
	afterEach(async () => {
		await db.close();
	});

	it('records every project migration with its hash, and applies nothing twice', async () => {
		const project = readMigrations('supabase/migrations');
		const recorded = await db.query<{ version: string; sha256: string }>(
			'select version, sha256 from app_meta.migrations order by version'
		);
		expect(recorded).toEqual(project.map((m) => ({ version: m.version, sha256: m.sha256 })));
		expect((await migrate(db, project)).applied).toEqual([]);
	});

	it('says what it applies, a line per file, and nothing when nothing is left (a slow first start is not a silent one)', async () => {
		const project = readMigrations('supabase/migrations');
		const dir = folder({ '29990301000000_one.sql': 'create table public.t_one (id int);', '29990302000000_two.sql': 'create table public.t_two (id int);' });
		const lines: string[] = [];
		await migrate(db, [...project, ...readMigrations(dir)], (line) => lines.push(line));
		expect(lines).toEqual(['applying 2 migration(s)', 'migration 1/2: 29990301000000_one.sql', 'migration 2/2: 29990302000000_two.sql']);
		lines.length = 0;
		await migrate(db, [...project, ...readMigrations(dir)], (line) => lines.push(line));
		expect(lines).toEqual([]);
	});

	it('refuses to start when an applied migration was edited, naming the file', async () => {
		const [first, ...rest] = readMigrations('supabase/migrations');
		const edited = { ...first!, sha256: 'f'.repeat(64) };
		const error = await migrate(db, [edited, ...rest]).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(MigrationError);
		expect((error as Error).message).toBe(
			`migration ${first!.file}: was changed after it was applied to this database. ` +
				'Applied migrations must never be edited: restore the file and put the change in a new migration.'
		);
	});

	it('rolls a failing migration back whole and names it; later files do not run', async () => {
		const dir = folder({
			'29990101000000_good.sql': 'create table public.t_good (id int);',
			'29990102000000_bad.sql': 'create table public.t_half (id int);\nselect no_such_function();',
			'29990103000000_after.sql': 'create table public.t_after (id int);'
		});
		const all = [...readMigrations('supabase/migrations'), ...readMigrations(dir)];
		await expect(migrate(db, all)).rejects.toThrow(/29990102000000_bad\.sql: failed and was rolled back/);
		const tables = await db.query<{ name: string }>(
			`select table_name as name from information_schema.tables where table_name like 't\\_%' order by 1`
		);
		expect(tables.map((t) => t.name)).toEqual(['t_good']);
		const versions = await db.query<{ version: string }>(`select version from app_meta.migrations where version like '2999%'`);
		expect(versions.map((v) => v.version)).toEqual(['29990101000000']);
	});

	it('counts versions recorded by `supabase db push` as applied', async () => {
		await db.exec(`create schema supabase_migrations;
			create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text);
			insert into supabase_migrations.schema_migrations (version) values ('29990201000000');`);
		const dir = folder({ '29990201000000_pushed.sql': 'select this_would_fail();' });
		const result = await migrate(db, [...readMigrations('supabase/migrations'), ...readMigrations(dir)]);
		expect(result.applied).toEqual([]);
	});
});
