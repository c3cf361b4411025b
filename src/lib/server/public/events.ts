/**
 * `/warnings/events`: Server-Sent Events that carry the changed warning itself, so an
 * open page updates without asking the server again.
 *
 * Made for tens of thousands of open pages per process: each event is serialised and
 * encoded once per language and the same bytes go to every stream; one heartbeat timer
 * serves all streams; a stream holds no timer or closure of its own beyond its
 * controller.
 */
import type { Lang } from '../../i18n';
import type { Database } from '../db/port';
import { toPublic, type PublicWarning } from '../warnings/view';
import { publicData, type Change } from './read-model';
import { onEew } from '../eew/live';

const HEARTBEAT_MS = 25_000;
const encoder = new TextEncoder();
const HELLO = encoder.encode('retry: 2000\n: connected\n\n');
const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');

/** What a page receives: the warning in force now in its thread (null: no longer in force). */
export type WarningEvent = {
	thread: string;
	id: string | null;
	msgType: string | null;
	version: string;
	warning: (PublicWarning & { geojson: string | null }) | null;
};

type Stream = { controller: ReadableStreamDefaultController<Uint8Array>; lang: Lang };

/** The threads whose message in force changed, and the threads the database named. */
export function changedThreads(change: Change): string[] {
	const before = new Map((change.previous?.warnings ?? []).map((w) => [w.threadId, w.id]));
	const after = new Map(change.next.warnings.map((w) => [w.threadId, w.id]));
	const threads = new Set<string>();
	for (const [thread, id] of after) if (before.get(thread) !== id) threads.add(thread);
	for (const thread of before.keys()) if (!after.has(thread)) threads.add(thread);
	for (const payload of change.payloads) {
		try {
			const told = JSON.parse(payload) as { thread?: string };
			if (told.thread) threads.add(told.thread);
		} catch {
			// not ours to read
		}
	}
	return [...threads];
}

export function warningEvents(change: Change, lang: Lang): WarningEvent[] {
	return changedThreads(change).map((thread) => {
		const now = change.next.warnings.find((w) => w.threadId === thread) ?? null;
		return { thread, id: now?.id ?? null, msgType: now?.msgType ?? null, version: change.next.version, warning: now ? { ...toPublic(now, lang), geojson: change.next.areas.get(now.id) ?? null } : null };
	});
}

class Hub {
	readonly streams = new Set<Stream>();
	#heartbeat: ReturnType<typeof setInterval> | null = null;
	#stop: () => void;

	constructor(db: Database) {
		const stopWarnings = publicData(db).onChange((change) => this.#broadcast(change));
		// An earthquake early warning goes out the moment it is stored: the same bytes to every stream, no read model in between.
		const stopEew = onEew(db, (message) => {
			const chunk = encoder.encode(`event: eew\ndata: ${JSON.stringify(message)}\n\n`);
			for (const stream of this.streams) this.#send(stream, chunk);
		});
		this.#stop = () => {
			stopWarnings();
			stopEew();
		};
	}

	#broadcast(change: Change) {
		const bytes = new Map<Lang, Uint8Array>();
		for (const stream of this.streams) {
			let chunk = bytes.get(stream.lang);
			if (!chunk) {
				const text = warningEvents(change, stream.lang)
					.map((event) => `event: warning\ndata: ${JSON.stringify(event)}\n\n`)
					.join('');
				chunk = encoder.encode(text + `event: version\ndata: ${JSON.stringify(change.next.version)}\n\n`);
				bytes.set(stream.lang, chunk);
			}
			this.#send(stream, chunk);
		}
	}

	#send(stream: Stream, chunk: Uint8Array) {
		try {
			stream.controller.enqueue(chunk);
		} catch {
			this.remove(stream);
		}
	}

	add(stream: Stream) {
		this.streams.add(stream);
		this.#send(stream, HELLO);
		this.#heartbeat ??= setInterval(() => {
			for (const s of this.streams) this.#send(s, KEEP_ALIVE);
		}, HEARTBEAT_MS);
	}

	remove(stream: Stream) {
		this.streams.delete(stream);
		if (!this.streams.size && this.#heartbeat) {
			clearInterval(this.#heartbeat);
			this.#heartbeat = null;
		}
	}

	/** Ends every open stream (a graceful shutdown). */
	closeAll() {
		for (const stream of this.streams) {
			try {
				stream.controller.close();
			} catch {
				/* already closed */
			}
			this.remove(stream);
		}
	}

	close() {
		this.closeAll();
		this.#stop();
	}
}

const hubs = new WeakMap<Database, Hub>();

function hubFor(db: Database): Hub {
	let hub = hubs.get(db);
	if (!hub) {
		hub = new Hub(db);
		hubs.set(db, hub);
	}
	return hub;
}

/** A text/event-stream response that forwards changes until the client goes away. */
export function eventStream(db: Database, signal: AbortSignal, lang: Lang): Response {
	const hub = hubFor(db);
	let stream: Stream | null = null;
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			const opened: Stream = { controller, lang };
			stream = opened;
			hub.add(opened);
			signal.addEventListener('abort', () => {
				hub.remove(opened);
				try {
					controller.close();
				} catch {
					/* already closed */
				}
			}, { once: true });
		},
		cancel() {
			if (stream) hub.remove(stream);
		}
	});
	return new Response(body, {
		headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' }
	});
}

/** Open streams in this process (tests, health). */
export function streamCount(db: Database): number {
	return hubs.get(db)?.streams.size ?? 0;
}

/** Ends every open stream of this process, for a graceful shutdown; how many there were. */
export function closeStreams(db: Database): number {
	const open = streamCount(db);
	hubs.get(db)?.closeAll();
	return open;
}
