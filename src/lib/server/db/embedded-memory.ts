/**
 * What keeps a server process on the embedded database within its memory budget (issue 20:
 * ≤ 400 MB RSS under `npm run bench:surge`). Applied by the app itself, at run time, so
 * that `npm start`, scripts/serve.js, a bare build/index.js and the tests need no flags
 * or environment from whoever starts them. Measured in docs/decisions.md ("Embedded
 * memory, bounded"). For the server process only: the tests and the admin CLI keep V8's
 * defaults.
 */
import v8 from 'node:v8';

/**
 * PGlite is Postgres compiled to WebAssembly (10 MB, and PostGIS's 16 MB). V8 compiles it
 * at once with its baseline compiler (Liftoff) and then, as functions get hot, again with
 * its optimising compiler (TurboFan) on background threads. Those compilations allocate
 * tens of MB each in the threads' malloc arenas, which glibc keeps after they are freed:
 * ~65 MB resident for good, measured right after opening. Liftoff alone: the arenas
 * hold ~18 MB, and on this 2-core machine a server's work is not slower — it opens and
 * answers its first queries sooner (no compilation competing for the cores) and its short
 * queries are within noise. Long statements are slower (creating PostGIS in a new
 * database: the first start only), which is why the tests keep the default. Must be set
 * before the module is compiled.
 */
const WASM_FLAGS = ['--liftoff-only'];

/**
 * V8 lets the JavaScript heap grow up to 4× what survived the last full collection
 * before it collects again; under the surge bench that was 250–310 MB of heap for ~60 MB
 * live. Growing by at most 1.2× between full collections keeps it near 100 MB, at the
 * cost of more frequent (concurrent) collections.
 */
const SERVER_HEAP_FLAGS = ['--heap-growing-percent=20'];

let applied = false;

/** For a server process on the embedded database, before it opens the database. */
export function boundEmbeddedServerMemory(): void {
	if (applied) return;
	applied = true;
	for (const flag of [...WASM_FLAGS, ...SERVER_HEAP_FLAGS]) v8.setFlagsFromString(flag);
}
