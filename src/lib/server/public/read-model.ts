/**
 * The read model of the public pages: warnings in force (with their areas), the scenic
 * areas' status and the shelter snapshot, kept in memory per server process.
 *
 * A red warning sends everyone to the same few pages at once; they then need no
 * database round trip. The data is read as `anon` (what RLS shows everyone), so nothing
 * personal can be in it. It is refreshed when the database says something changed
 * (NOTIFY on channel `warnings`: warnings, scenic, shelters), when a warning's time
 * comes (effective) or goes (expires), and every REFRESH_MS as a safety net. When a
 * refresh fails (the database is gone), the last data is kept with its "as of" time.
 */
import { createHash } from 'node:crypto';
import type { ShelterSnapshot } from '../../shelters/types';
import { ANON_CLAIMS, asCaller } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import * as scenic from '../scenic';
import * as shelters from '../shelters';
import { subscribe } from '../warnings/live';
import * as warnings from '../warnings/store';

export const REFRESH_MS = 15_000;
/**
 * The embedded database lives in this process and every write to it goes through this
 * process, so its NOTIFY cannot be missed; its queries also run on the event loop, where a
 * refresh holds up every page. Its safety net is rarer.
 */
export const EMBEDDED_REFRESH_MS = 300_000;
/** Warning threads kept for their own page; more are read from the database. */
const THREADS_KEPT = 200;

export type Snapshot = {
	/** changes whenever any of the data below does */
	version: string;
	/** when the data was last read from the database */
	asOf: Date;
	/** the last refresh failed: the data is as of `asOf` */
	stale: boolean;
	warnings: warnings.Stored[];
	/** area (GeoJSON) of each warning in force, by message id */
	areas: ReadonlyMap<string, string | null>;
	outline: string | null;
	scenic: scenic.Scenic[];
	shelters: ShelterSnapshot;
};

export type Thread = { current: warnings.Stored; history: warnings.Stored[]; area: string | null };

export type Change = { previous: Snapshot | null; next: Snapshot; payloads: string[] };

/**
 * A warning thread the database just named, read on its own ahead of the refresh: the
 * message the public sees in it now (null: none any more) and its area.
 */
export type Ahead = { thread: string; warning: warnings.Stored | null; area: string | null };

/** The thread a NOTIFY payload names (the warnings trigger's `{thread, id, msgType}`), if any. */
export function threadNamed(payload: string): string | null {
	try {
		const told = JSON.parse(payload) as { thread?: unknown };
		return typeof told?.thread === 'string' ? told.thread : null;
	} catch {
		return null;
	}
}

async function read(tx: Queryable): Promise<Omit<Snapshot, 'version' | 'asOf' | 'stale'> & { nextBoundary: Date | null }> {
	const active = await warnings.active(tx);
	const areas = new Map<string, string | null>();
	for (const w of active) areas.set(w.id, await warnings.areaGeoJson(tx, w.id));
	// The next warning to come into force (issued with a later `effective`).
	const [upcoming] = await tx.query<{ at: Date | null }>(
		`select min(effective) as at from public.warnings where state = 'issued' and msg_type <> 'Cancel' and effective > now()`
	);
	const times = [...active.map((w) => new Date(w.expires)), ...(upcoming?.at ? [new Date(upcoming.at)] : [])];
	return {
		warnings: active,
		areas,
		outline: await warnings.districtOutline(tx),
		scenic: await scenic.list(tx),
		shelters: await shelters.snapshot(tx),
		nextBoundary: times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null
	};
}

function versionOf(data: Omit<Snapshot, 'version' | 'asOf' | 'stale'>): string {
	const { as_of: _asOf, ...shelterData } = data.shelters;
	return createHash('sha256')
		.update(JSON.stringify([data.warnings, [...data.areas], data.outline, data.scenic, shelterData]))
		.digest('base64url')
		.slice(0, 16);
}

export class ReadModel {
	#current: Snapshot | null = null;
	#running: Promise<Snapshot> | null = null;
	#again = false;
	#pending: string[] = [];
	/** counts the refreshes the database asked for: a thread's page may change without the data in force changing */
	#told = 0;
	#threads = new Map<string, Thread>();
	#listeners = new Set<(change: Change) => void>();
	#ahead = new Set<(ahead: Ahead) => void>();
	/** the refresh a NOTIFY asked for, from the moment it arrived (its thread may be read first) */
	#asked: Promise<Snapshot> | null = null;
	#timer: ReturnType<typeof setInterval>;
	#boundary: ReturnType<typeof setTimeout> | null = null;
	#unsubscribe: () => void;

	constructor(
		private readonly db: Database,
		refreshMs = db.kind === 'embedded' ? EMBEDDED_REFRESH_MS : REFRESH_MS
	) {
		this.#unsubscribe = subscribe(db, (payload) => {
			this.#pending.push(payload);
			// A warning issued, updated or ended: its thread is read on its own and told
			// first (the live streams send it at once), then everything is read again. The
			// refresh waits for that one read, so the order is always the same.
			const thread = this.#ahead.size ? threadNamed(payload) : null;
			const first = thread ? this.#readAhead(thread) : Promise.resolve();
			const told = first.then(() => this.refresh());
			this.#asked = told;
			void told.catch(() => undefined).finally(() => this.#asked === told && (this.#asked = null));
		});
		// A safety net for a missed NOTIFY; never keeps the process alive.
		this.#timer = setInterval(() => void this.refresh().catch(() => undefined), refreshMs);
		this.#timer.unref();
	}

	/** The data now; waits for the first read only. */
	async get(): Promise<Snapshot> {
		return this.#current ?? (await this.refresh());
	}

	/**
	 * The data once a refresh already under way has run: a change the database has just
	 * told of (a warning issued a moment ago) is in the answer; otherwise the data now.
	 */
	async settled(): Promise<Snapshot> {
		if (this.#asked) await this.#asked.catch(() => undefined);
		return this.#running ?? (await this.get());
	}

	/** Reads everything again (coalesced: one read runs at a time, one more queued). */
	refresh(): Promise<Snapshot> {
		if (this.#running) {
			this.#again = true;
			return this.#running;
		}
		this.#running = this.#read().finally(() => {
			this.#running = null;
			if (this.#again) {
				this.#again = false;
				void this.refresh().catch(() => undefined);
			}
		});
		return this.#running;
	}

	async #read(): Promise<Snapshot> {
		const payloads = this.#pending.splice(0);
		const startedAt = new Date();
		try {
			const { nextBoundary, ...data } = await asCaller(this.db, ANON_CLAIMS, read);
			const previous = this.#current;
			if (payloads.length) this.#told++;
			const version = `${versionOf(data)}.${this.#told}`;
			const next: Snapshot = { ...data, version, asOf: startedAt, stale: false };
			this.#current = next;
			if (previous?.version !== version) {
				this.#threads.clear();
				for (const listener of this.#listeners) listener({ previous, next, payloads });
			}
			this.#scheduleBoundary(nextBoundary);
			return next;
		} catch (error) {
			if (!this.#current) throw error;
			if (!this.#current.stale) console.error(`public data: refresh failed, serving data as of ${this.#current.asOf.toISOString()}: ${(error as Error).message}`);
			this.#current = { ...this.#current, stale: true };
			return this.#current;
		}
	}

	#scheduleBoundary(at: Date | null) {
		if (this.#boundary) clearTimeout(this.#boundary);
		this.#boundary = null;
		if (!at) return;
		const wait = at.getTime() - Date.now() + 50;
		if (wait > 2 ** 31 - 1) return; // beyond setTimeout; the timer comes first
		this.#boundary = setTimeout(() => void this.refresh().catch(() => undefined), Math.max(0, wait));
		this.#boundary.unref();
	}

	/** One warning thread for its page: kept until the next change; null when there is none. */
	async thread(threadId: string): Promise<Thread | null> {
		await this.get();
		const kept = this.#threads.get(threadId);
		if (kept) return kept;
		const version = this.#current!.version;
		const found = await asCaller(this.db, ANON_CLAIMS, async (tx) => {
			const current = await warnings.current(tx, threadId);
			if (!current) return null;
			const history = (await warnings.thread(tx, threadId)).filter((m) => m.sent);
			return { current, history, area: await warnings.areaGeoJson(tx, current.id) };
		});
		// Only what exists is kept (unknown ids cannot fill the memory), and only if
		// nothing changed meanwhile.
		if (found && this.#current!.version === version) {
			if (this.#threads.size >= THREADS_KEPT) this.#threads.delete(this.#threads.keys().next().value!);
			this.#threads.set(threadId, found);
		}
		return found;
	}

	/** Reads one thread's message shown now and tells the `onAhead` listeners; a failure is left to the refresh. */
	async #readAhead(thread: string): Promise<void> {
		let ahead: Ahead;
		try {
			ahead = await asCaller(this.db, ANON_CLAIMS, async (tx) => {
				const warning = await warnings.activeInThread(tx, thread);
				return { thread, warning, area: warning ? await warnings.areaGeoJson(tx, warning.id) : null };
			});
		} catch {
			return;
		}
		for (const listener of this.#ahead) listener(ahead);
	}

	/**
	 * Called when the database names a warning thread (NOTIFY), with that thread's message
	 * shown now, before the refresh that follows (and its `onChange`) runs.
	 */
	onAhead(listener: (ahead: Ahead) => void): () => void {
		this.#ahead.add(listener);
		return () => this.#ahead.delete(listener);
	}

	/** Called after each refresh that changed the data. */
	onChange(listener: (change: Change) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	close(): void {
		clearInterval(this.#timer);
		if (this.#boundary) clearTimeout(this.#boundary);
		this.#unsubscribe();
		this.#listeners.clear();
		this.#ahead.clear();
	}
}

const models = new WeakMap<Database, ReadModel>();

/** The process's read model for a database (made on first use). */
export function publicData(db: Database): ReadModel {
	let model = models.get(db);
	if (!model) {
		model = new ReadModel(db);
		models.set(db, model);
	}
	return model;
}
