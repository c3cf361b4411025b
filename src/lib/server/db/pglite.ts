import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import type { Database, Queryable, Row } from './port';
import { postgisExtension } from './postgis-bundle';
import { Serial } from './serial';
import { DUMP_ARGS } from './transfer';
import { classify, DatabaseUnavailableError, isUnavailable } from './unavailable';

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

/**
 * Opens PGlite with PostGIS. `dataDir` undefined means in memory (tests);
 * `loadDataDir` starts from a dumped data directory (tests use a migrated template).
 */
/**
 * Postgres's own memory inside the WebAssembly heap, which never shrinks once grown. The
 * default 128 MB of shared buffers fill up under load and stay; the files are in the
 * operating system's page cache anyway, which the kernel can give back. (Measured with
 * `npm run bench:surge`; see docs/decisions.md, "Embedded memory".)
 */
export const EMBEDDED_SETTINGS = ['shared_buffers=16MB', 'temp_buffers=2MB', 'wal_buffers=1MB'];

/**
 * PGlite gives WebAssembly the bytes of its modules to compile: Postgres (10 MB, read from
 * disk) and PostGIS's library (16 MB, from the extension bundle). Emscripten's loader keeps
 * the PostGIS bytes in a closure for as long as the database is open, though it never reads
 * them again once compiled (V8 keeps its own copy). While a database opens, every buffer
 * of more than 1 MB handed to `WebAssembly.instantiate` is detached as soon as it has been
 * compiled, so its memory is freed (measured: 16 MB less resident per open database;
 * docs/decisions.md, "Embedded memory, third pass"). Several databases may open at once
 * (tests): the wrapper stays installed until the last of them has opened.
 */
let opening = 0;
const instantiate = WebAssembly.instantiate;

/** The buffer holding exactly these bytes and nothing else (a view into a larger buffer is left alone). */
function ownBuffer(source: unknown): ArrayBuffer | null {
	if (source instanceof ArrayBuffer) return source;
	if (!ArrayBuffer.isView(source) || !(source.buffer instanceof ArrayBuffer)) return null;
	return source.byteOffset === 0 && source.byteLength === source.buffer.byteLength ? source.buffer : null;
}

export async function releasingCompiledBytes<T>(open: () => Promise<T>): Promise<T> {
	if (opening++ === 0) {
		(WebAssembly as { instantiate: unknown }).instantiate = (source: unknown, imports?: WebAssembly.Imports) => {
			const compiled = instantiate(source as BufferSource, imports);
			const bytes = ownBuffer(source);
			if (!bytes || bytes.byteLength < 2 ** 20) return compiled;
			// transferring moves the memory into a copy nobody keeps: the original is left empty
			return compiled.then((result) => (structuredClone(bytes, { transfer: [bytes] }), result));
		};
	}
	try {
		return await open();
	} finally {
		if (--opening === 0) WebAssembly.instantiate = instantiate;
	}
}

/**
 * Files the extension bundle puts in PGlite's in-memory file system that are not needed
 * once the database is open: the PostGIS library is compiled and loaded when PGlite starts
 * (Postgres finds it loaded by its path and does not read it again; the path must still
 * exist, so it is emptied rather than removed), and the install script is read only by
 * `create extension`, on a database's first start. 16 MB and 7 MB of memory each.
 */
const POSTGIS_LIBRARY = '/pglite/lib/postgresql/postgis-3.so';
const EXTENSION_DIR = '/pglite/share/postgresql/extension';

function releaseLoadedLibrary(pg: PGlite) {
	const { FS } = pg.Module;
	if (FS.analyzePath(POSTGIS_LIBRARY).exists) FS.writeFile(POSTGIS_LIBRARY, new Uint8Array(0));
}

async function releaseInstallScripts(pg: PGlite) {
	const installed = await pg.query<{ name: string }>(`select extname as name from pg_extension where extname = 'postgis'`);
	if (!installed.rows.length) return;
	const { FS } = pg.Module;
	for (const name of FS.readdir(EXTENSION_DIR) as string[]) {
		if (/^postgis--.*\.sql$/.test(name)) FS.unlink(`${EXTENSION_DIR}/${name}`);
	}
}

export async function openPglite(dataDir?: string, loadDataDir?: Blob): Promise<Database> {
	const pg = await releasingCompiledBytes(() =>
		PGlite.create(dataDir, {
			extensions: { postgis: postgisExtension() },
			startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS.flatMap((s) => ['-c', s])],
			loadDataDir,
			parsers: { [DATE_OID]: (value: string) => value, [INT8_OID]: (value: string) => Number(value) }
		})
	);
	releaseLoadedLibrary(pg);
	const serial = new Serial();
	const direct = wrap(pg);

	// A full disk (53100) or a file it cannot write (58030): Postgres rolls the statement
	// back, but PGlite 0.5.8 then never answers again (measured: the next query hangs). So
	// the embedded database is taken as gone until the process restarts: every later call
	// fails at once, health says why, and one line tells the operator what to do.
	let broken: { error: DatabaseUnavailableError; since: string } | null = null;
	const rethrow = (error: unknown): never => {
		const typed = classify(error);
		if (isUnavailable(typed) && !broken) {
			const where = dataDir ? `DATA_DIR ${dataDir.replace(/[\\/]pgdata$/, '')}` : 'the embedded database';
			const reason = `${typed.reason} (${where}): free space there, then restart the server`;
			broken = { error: new DatabaseUnavailableError(reason, error, 60), since: new Date().toISOString() };
			console.error(`safe-miyun: database unavailable: ${reason}`);
		}
		throw broken && isUnavailable(typed) ? broken.error : typed;
	};
	const run = <T>(work: () => Promise<T>): Promise<T> => (broken ? Promise.reject(broken.error) : serial.run(work).catch(rethrow));

	return {
		kind: 'embedded',
		query: <T extends Row>(sql: string, params?: readonly unknown[]) => run(() => direct.query<T>(sql, params)),
		exec: (sql) => run(() => direct.exec(sql)),
		transaction: (work) => run(() => pg.transaction((tx) => work(wrap(tx)))),
		// In-process: the channel cannot be lost, so there is never anything to catch up.
		async listen(channel, onPayload) {
			const stop = await serial.run(() => pg.listen(channel, onPayload));
			return () => serial.run(() => stop());
		},
		status: () => (broken ? { available: false, reason: broken.error.reason, since: broken.since } : { available: true }),
		// broken, it comes back only with a restart: background work waits until it stops
		whenAvailable: () => (broken ? new Promise<void>(() => undefined) : Promise.resolve()),
		// closing a broken PGlite hangs too; the next start recovers from its WAL
		close: () => (broken ? Promise.resolve() : serial.run(() => pg.close())),
		refreshTypes: () => serial.run(() => pg.refreshArrayTypes()),
		releaseInstallScripts: () => run(() => releaseInstallScripts(pg)),
		dumpData: () =>
			run(async () => {
				const file = await pgDump({ pg, args: DUMP_ARGS });
				// pg_dump empties the (one) session's search path: give it back
				await pg.exec('set search_path to "$user", public, extensions');
				return file.text();
			})
	};
}

/** A compressed copy of a PGlite database's files (test templates). */
export async function dumpPglite(dataDir: string): Promise<Blob> {
	const pg = await PGlite.create(dataDir, { extensions: { postgis: postgisExtension() } });
	try {
		return await pg.dumpDataDir('gzip');
	} finally {
		await pg.close();
	}
}
