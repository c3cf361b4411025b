/**
 * Live updates: one LISTEN on channel `warnings` per server process (per database),
 * fanned out in memory (to the public read model, which feeds the Server-Sent Events
 * streams of src/lib/server/public/events.ts). Several processes each
 * hold their own LISTEN, so a warning issued through any of them reaches all pages.
 * After the LISTEN connection was lost and came back, what was issued meanwhile is
 * found by a query and sent to the streams like any NOTIFY.
 */
import type { Database } from '../db/port';
import { catchUp } from './catch-up';

type Hub = { listeners: Set<(payload: string) => void>; started: Promise<() => Promise<void>> };

const hubs = new WeakMap<Database, Hub>();

/** Calls `onChange` with each NOTIFY payload until the returned function is called. */
export function subscribe(db: Database, onChange: (payload: string) => void): () => void {
	let hub = hubs.get(db);
	if (!hub) {
		const listeners = new Set<(payload: string) => void>();
		const emit = (payload: string) => {
			for (const listener of listeners) listener(payload);
		};
		const started = db.listen('warnings', emit, catchUp(db, emit));
		hub = { listeners, started };
		hubs.set(db, hub);
		started.catch(() => hubs.delete(db));
	}
	hub.listeners.add(onChange);
	return () => hub.listeners.delete(onChange);
}

/** The number of streams listening in this process (for tests and health). */
export function listenerCount(db: Database): number {
	return hubs.get(db)?.listeners.size ?? 0;
}
