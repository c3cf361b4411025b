import { PGlite, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import type { Database, Queryable, Row } from './port';
import { Serial } from './serial';
import { classify } from './unavailable';

// Dates stay ISO strings, as node-postgres is set up to return them too (see postgres.ts).
const DATE_OID = 1082;
const INT8_OID = 20;

function wrap(tx: Transaction | PGlite): Queryable {
	return {
		async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
			return (await tx.query<T>(sql, params as unknown[])).rows;
		},
		async exec(sql: string) {
			await tx.exec(sql);
		}
	};
}

function rethrow(error: unknown): never {
	throw classify(error);
}

/**
 * Opens PGlite with PostGIS. `dataDir` undefined means in memory (tests);
 * `loadDataDir` starts from a dumped data directory (tests use a migrated template).
 */
export async function openPglite(dataDir?: string, loadDataDir?: Blob): Promise<Database> {
	const pg = await PGlite.create(dataDir, {
		extensions: { postgis },
		loadDataDir,
		parsers: { [DATE_OID]: (value: string) => value, [INT8_OID]: (value: string) => Number(value) }
	});
	const serial = new Serial();
	const direct = wrap(pg);

	return {
		kind: 'embedded',
		// A full disk or unreadable file is DatabaseUnavailableError here too (53100, 58030).
		query: <T extends Row>(sql: string, params?: readonly unknown[]) => serial.run(() => direct.query<T>(sql, params)).catch(rethrow),
		exec: (sql) => serial.run(() => direct.exec(sql)).catch(rethrow),
		transaction: (work) => serial.run(() => pg.transaction((tx) => work(wrap(tx)))).catch(rethrow),
		// In-process: the channel cannot be lost, so there is never anything to catch up.
		async listen(channel, onPayload) {
			const stop = await serial.run(() => pg.listen(channel, onPayload));
			return () => serial.run(() => stop());
		},
		status: () => ({ available: true }),
		whenAvailable: () => Promise.resolve(),
		close: () => serial.run(() => pg.close()),
		refreshTypes: () => serial.run(() => pg.refreshArrayTypes())
	};
}

/** A compressed copy of a PGlite database's files (test templates). */
export async function dumpPglite(dataDir: string): Promise<Blob> {
	const pg = await PGlite.create(dataDir, { extensions: { postgis } });
	try {
		return await pg.dumpDataDir('gzip');
	} finally {
		await pg.close();
	}
}
