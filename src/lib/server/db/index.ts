/**
 * Opens the app's database from its settings: the embedded PGlite (locked to this
 * process) or a PostgreSQL pool; applies the bootstrap and migrations first.
 */
import path from 'node:path';
import type { Config } from '../config';
import { lockDataDir } from './lock';
import { migrate, readMigrations, type MigrateResult } from './migrate';
import type { Database } from './port';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

export type { Database, Queryable, Row } from './port';

export type Opened = { db: Database; migrated: MigrateResult };

export const MIGRATIONS_DIR = path.resolve('supabase/migrations');

/** `holder` says in the lock file who holds an embedded database ("server", "admin CLI"). */
export async function openDatabase(config: Config, holder: string, migrationsDir = MIGRATIONS_DIR): Promise<Opened> {
	const migrations = readMigrations(migrationsDir);

	if (config.database.kind === 'embedded') {
		const release = lockDataDir(config.database.dataDir, holder);
		let db: Database;
		try {
			db = await openPglite(path.join(config.database.dataDir, 'pgdata'));
		} catch (error) {
			release();
			throw error;
		}
		try {
			const migrated = await migrate(db, migrations);
			if (migrated.applied.length) await db.refreshTypes?.();
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
		migrated = await migrate(migrator, migrations);
	} finally {
		await migrator.close();
	}
	return { db: openPostgres(config.database.url), migrated };
}
