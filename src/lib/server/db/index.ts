/**
 * Opens the app's database from its settings: the embedded PGlite (locked to this
 * process) or a PostgreSQL pool; applies the bootstrap and migrations first.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { lockDataDir } from './lock';
import { migrate, readMigrations, type MigrateResult } from './migrate';
import type { Database } from './port';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import { unavailableReason } from './unavailable';

export type { Database, Queryable, Row } from './port';

export type Opened = { db: Database; migrated: MigrateResult };

export const MIGRATIONS_DIR = path.resolve('supabase/migrations');

/** What an operator can do about an embedded database that does not open. */
const WHAT_TO_DO = 'restore the folder from a backup (README: "Back up and restore"), or move it aside to start with an empty database';

/**
 * Opens the embedded database in DATA_DIR, refusing damaged files in one line that names
 * the folder and what to do. PGlite itself would, for a missing PG_VERSION, quietly make
 * a new empty database over the old files, and for other damage abort with "Aborted()".
 */
async function openEmbedded(dataDir: string): Promise<Database> {
	const pgdata = path.join(dataDir, 'pgdata');
	const present = fs.existsSync(pgdata) ? fs.readdirSync(pgdata) : [];
	if (present.length > 0) {
		const missing = ['PG_VERSION', 'global/pg_control'].filter((f) => !fs.existsSync(path.join(pgdata, f)));
		if (missing.length) throw new Error(`DATA_DIR ${dataDir}: the embedded database is incomplete (${missing.join(', ')} missing); ${WHAT_TO_DO}`);
	}
	try {
		return await openPglite(pgdata);
	} catch (error) {
		const full = unavailableReason(error);
		if (full) throw new Error(`DATA_DIR ${dataDir}: the embedded database cannot be opened: ${full}; free space on that disk, then start again`);
		const detail = (error as Error).message.split('\n')[0]!.replace(/\. Build with .*$/, '');
		throw new Error(`DATA_DIR ${dataDir}: the embedded database cannot be opened, it is damaged (${detail}); ${WHAT_TO_DO}`);
	}
}

/** `holder` says in the lock file who holds an embedded database ("server", "admin CLI"). */
export async function openDatabase(
	config: Config,
	holder: string,
	migrationsDir = MIGRATIONS_DIR,
	report: (line: string) => void = () => {}
): Promise<Opened> {
	const migrations = readMigrations(migrationsDir);

	if (config.database.kind === 'embedded') {
		const release = lockDataDir(config.database.dataDir, holder);
		let db: Database;
		try {
			report(`opening the embedded database in ${config.database.dataDir} (the first start creates it)`);
			db = await openEmbedded(config.database.dataDir);
		} catch (error) {
			release();
			throw error;
		}
		try {
			const migrated = await migrate(db, migrations, report);
			if (migrated.applied.length) await db.refreshTypes?.();
			await db.releaseInstallScripts?.();
			// PGlite is one session: give it the search path Supabase's roles have.
			await db.exec('set search_path to "$user", public, extensions');
			return {
				db: {
					...db,
					close: async () => {
						try {
							await db.close();
						} finally {
							release();
						}
					}
				},
				migrated
			};
		} catch (error) {
			await db.close().catch(() => undefined);
			release();
			throw error;
		}
	}

	// Migrate on a connection of its own, so the pool's connections all open after
	// the bootstrap has set the database's search path.
	const migrator = openPostgres(config.database.url, 1);
	let migrated: MigrateResult;
	try {
		// Several server processes may start at once on one database (docs/scale.md): one
		// migrates, the others wait here and then find nothing left to do. A session lock on
		// the migrator's one connection, released when it closes (a direct connection, not a
		// transaction-mode pooler).
		await migrator.query(`select pg_advisory_lock(hashtext('safe-miyun migrations'))`);
		migrated = await migrate(migrator, migrations, report);
	} finally {
		await migrator.close();
	}
	return { db: openPostgres(config.database.url), migrated };
}
