/**
 * Moving the embedded database to PostgreSQL: the data (not the schema: the target gets
 * that from the same migrations) as SQL INSERT statements written by PGlite's own
 * pg_dump (@electric-sql/pglite-tools), and loaded into any database behind the port.
 * INSERTs rather than COPY, so no psql is needed and it loads through the app's own
 * connection; triggers are off while loading (session_replication_role = replica), so
 * an issued warning is not issued (and sent) a second time.
 */
import type { Database } from './port';

/** Schemas whose rows are the app's data. The migration record and PostGIS's own table are not. */
export const DATA_SCHEMAS = ['public', 'auth', 'app_private'];

/** pg_dump's arguments for a data-only dump of DATA_SCHEMAS. */
export const DUMP_ARGS = ['--data-only', '--inserts', '--rows-per-insert=500', '--no-owner', '--no-privileges', ...DATA_SCHEMAS.map((s) => `--schema=${s}`)];

// Lines a newer pg_dump writes that an older server refuses (PGlite is PostgreSQL 18).
const NEWER_SETTINGS = /^SET (transaction_timeout|idle_in_transaction_session_timeout|default_table_access_method) = .*;$/;
// psql meta-commands (\restrict, \unrestrict): not SQL.
const META = /^\\\\/;

/** Loads a data dump into `db`, whose schema must be migrated: replaces every row of DATA_SCHEMAS. */
export async function loadData(db: Database, dump: string): Promise<{ tables: number }> {
	const sql = dump
		.split('\n')
		.filter((line) => !NEWER_SETTINGS.test(line) && !META.test(line))
		.join('\n');
	return db.transaction(async (tx) => {
		const tables = await tx.query<{ name: string }>(
			`select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = any($1::text[]) order by 1`,
			[DATA_SCHEMAS]
		);
		await tx.exec(`set local session_replication_role = replica`);
		// What the migrations seeded (reference data) comes again with the dump.
		if (tables.length) await tx.exec(`truncate ${tables.map((t) => t.name).join(', ')} cascade`);
		await tx.exec(sql);
		// pg_dump sets the search path to nothing for its statements; give this session its own back.
		await tx.exec(`set local search_path to "$user", public, extensions`);
		return { tables: tables.length };
	});
}
