/**
 * Live updates: one LISTEN on channel `warnings` per server process (per database),
 * fanned out in memory to every open Server-Sent Events stream. Several processes each
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

const HEARTBEAT_MS = 25_000;

/** open streams per database, so a shutting-down server can end them */
const streams = new WeakMap<Database, Set<() => void>>();

/**
 * Ends every open stream (graceful shutdown): the HTTP server can only close once they
 * are done, and browsers reconnect (`retry:`) to whichever process is still serving.
 */
export function endStreams(db: Database): number {
	const open = [...(streams.get(db) ?? [])];
	for (const stop of open) stop();
	return open.length;
}

/** A text/event-stream response that forwards changes until the client goes away. */
export function eventStream(db: Database, signal: AbortSignal): Response {
	const encoder = new TextEncoder();
	let stop = () => {};
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (chunk: string) => {
				try {
					controller.enqueue(encoder.encode(chunk));
				} catch {
					stop();
				}
			};
			send('retry: 2000\n: connected\n\n');
			const unsubscribe = subscribe(db, (payload) => send(`event: warning\ndata: ${payload}\n\n`));
			const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS);
			const open = streams.get(db) ?? new Set();
			streams.set(db, open);
			const end = () => stop();
			open.add(end);
			stop = () => {
				open.delete(end);
				clearInterval(heartbeat);
				unsubscribe();
				try {
					controller.close();
				} catch {
					/* already closed */
				}
			};
			signal.addEventListener('abort', () => stop(), { once: true });
		},
		cancel() {
			stop();
		}
	});
	return new Response(stream, {
		headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' }
	});
}
