/**
 * EEW messages for the live channel: one LISTEN on channel `eew` per server process
 * (per database). The NOTIFY (app.eew_notify) carries only the row's id: each process
 * reads the row itself, so nobody able to run pg_notify can put a made-up quake on every
 * open page. Older revisions that arrive late are not passed on.
 */
import { toWire, type EewWire } from '../../eew/message';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { eewById } from './store';

type Hub = { listeners: Set<(message: EewWire) => void>; started: Promise<() => Promise<void>> };
const hubs = new WeakMap<Database, Hub>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function onEew(db: Database, listener: (message: EewWire) => void): () => void {
	let hub = hubs.get(db);
	if (!hub) {
		const listeners = new Set<(message: EewWire) => void>();
		const started = db.listen('eew', (id) => {
			if (!UUID.test(id)) return;
			void asService(db, (tx) => eewById(tx, id))
				.then((found) => {
					if (!found?.latest) return;
					const wire = toWire(found);
					for (const l of listeners) l(wire);
				})
				.catch((error) => console.error(`safe-miyun: eew live: ${(error as Error).message}`));
		});
		hub = { listeners, started };
		hubs.set(db, hub);
		started.catch(() => hubs.delete(db));
	}
	hub.listeners.add(listener);
	return () => hub.listeners.delete(listener);
}
