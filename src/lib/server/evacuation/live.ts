/**
 * Live picture for the console: a Server-Sent Events stream that says "changed" when a
 * mark is recorded (NOTIFY on channel `evacuation`, from the marks trigger) or a warning
 * changes (the warnings live channel: a new warning can put villages on the list). The
 * page then reloads its data; a handful of console pages per process, so one LISTEN
 * per process and one small timer per stream are fine.
 */
import type { Database } from '../db/port';
import { subscribe } from '../warnings/live';

const encoder = new TextEncoder();
const CHANGED = encoder.encode('event: changed\ndata: {}\n\n');
const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');
const hubs = new WeakMap<Database, { listeners: Set<() => void> }>();

function onEvacuation(db: Database, listener: () => void): () => void {
	let hub = hubs.get(db);
	if (!hub) {
		const listeners = new Set<() => void>();
		hub = { listeners };
		hubs.set(db, hub);
		// Resuming after a lost connection: say "changed", the page reloads what it missed.
		db.listen('evacuation', () => listeners.forEach((l) => l()), () => listeners.forEach((l) => l())).catch(() => hubs.delete(db));
	}
	const listeners = hub.listeners;
	listeners.add(listener);
	return () => listeners.delete(listener);
}

export function evacuationStream(db: Database, signal: AbortSignal): Response {
	let stop = () => {};
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (chunk: Uint8Array) => {
				try {
					controller.enqueue(chunk);
				} catch {
					stop();
				}
			};
			send(encoder.encode('retry: 3000\n: connected\n\n'));
			const offMarks = onEvacuation(db, () => send(CHANGED));
			const offWarnings = subscribe(db, () => send(CHANGED));
			const beat = setInterval(() => send(KEEP_ALIVE), 25_000);
			stop = () => {
				offMarks();
				offWarnings();
				clearInterval(beat);
			};
			signal.addEventListener('abort', () => {
				stop();
				try {
					controller.close();
				} catch {
					// already closed
				}
			});
		},
		cancel() {
			stop();
		}
	});
	return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } });
}
