/**
 * What keeps a server process on the embedded database within its memory budget (issue 20:
 * ≤ 400 MB RSS under `npm run bench:surge`). Applied by the app itself, at run time, so
 * that `npm start`, scripts/serve.js, a bare build/index.js and the tests need no flags
 * or environment from whoever starts them. Measured in docs/decisions.md ("Embedded
 * memory, bounded" and "Embedded memory, third pass"). For the server process only: the
 * tests and the admin CLI keep V8's defaults.
 */
import { createRequire } from 'node:module';
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

/**
 * glibc's allocator keeps memory that was freed: a hole in the middle of its heap stays
 * resident until something is allocated there again, and every thread that allocates gets
 * an arena of its own (up to 8 per core) that it keeps. Opening PGlite allocates and frees
 * tens of MB (the extension bundle, the WebAssembly bytes), so the idle embedded server had
 * 77 MB free but resident in its main heap and ~22 MB in the threads' arenas (measured
 * with glibc's `malloc_stats`). `malloc_trim` gives free pages back wherever they are;
 * `M_ARENA_MAX` caps the arenas. Both are glibc functions Node does not expose, called
 * through koffi (a C function interface with prebuilt binaries); where there is no glibc
 * (musl, macOS) nothing is done.
 */
const M_ARENA_MAX = -8;
const ARENAS = 2;
/** Often enough that memory freed after a burst goes back soon; a trim of an idle heap takes ~0.1 ms. */
export const TRIM_EVERY_MS = 10_000;

type Glibc = { trim: () => boolean; mallopt: (param: number, value: number) => boolean };

function glibc(): Glibc | null {
	if (process.platform !== 'linux') return null;
	try {
		// loaded here, not at import: only a server on the embedded database needs it
		const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
		const libc = koffi.load('libc.so.6');
		const trim = libc.func('int malloc_trim(size_t pad)');
		const mallopt = libc.func('int mallopt(int param, int value)');
		return { trim: () => trim(0) === 1, mallopt: (param, value) => mallopt(param, value) === 1 };
	} catch {
		return null; // not glibc
	}
}

let loaded: Glibc | null | undefined;
const allocator = () => (loaded === undefined ? (loaded = glibc()) : loaded);

/** Gives the memory the allocator holds free back to the system; false without glibc. */
export function trimMalloc(): boolean {
	return allocator()?.trim() ?? false;
}

let applied = false;

/** For a server process on the embedded database, before it opens the database. */
export function boundEmbeddedServerMemory(): void {
	if (applied) return;
	applied = true;
	for (const flag of [...WASM_FLAGS, ...SERVER_HEAP_FLAGS]) v8.setFlagsFromString(flag);
	// threads that allocate from now on share two arenas (those made already stay)
	if (!allocator()?.mallopt(M_ARENA_MAX, ARENAS)) return;
	setInterval(trimMalloc, TRIM_EVERY_MS).unref();
}
