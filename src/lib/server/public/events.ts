/**
 * `/warnings/events`: Server-Sent Events that carry the changed warning itself, so an
 * open page updates without asking the server again.
 *
 * Made for tens of thousands of open pages per process (issue 20, target < 10 KB per idle
 * stream and the last of 20,000 within 2 s of a CAP POST):
 * - in production the stream is served below SvelteKit and even below Node's HTTP server
 *   (scripts/serve.js calls `takeOverEventStreams`): a new connection whose first bytes
 *   are a complete, plain `GET /warnings/events` is answered on the socket itself, and
 *   the stream is then the socket and nothing more — no Request, Headers, AbortSignal,
 *   ReadableStream and pending read (SvelteKit: 37–41 KB per stream), nor Node's parser,
 *   IncomingMessage and ServerResponse (~13 KB). Every other connection goes to Node's
 *   HTTP server unchanged; a stream asked on a connection already in use (a proxy's
 *   keep-alive) is served from the HTTP request (`serveEvents`);
 * - each event is serialised and encoded once (per language when its text differs) and the
 *   same bytes are written to every stream;
 * - one heartbeat timer and one `close` listener (a shared function) serve all streams.
 * The SvelteKit route (`eventStream`) stays for `vite dev` and a bare `node build/index.js`;
 * its streams join the same hub.
 *
 * Catch-up: the last event of every change carries `id: <data version>`, and the page
 * opens the stream with `?since=<its data version>`. A stream that opens (or an
 * EventSource that reconnects with Last-Event-ID, e.g. after a deploy) on older data is
 * sent the current `version` at once, so the page reloads what it missed.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { sameData } from '$lib/components/warnings/live';
import { LANG_COOKIE, LANGS, type Lang } from '../../i18n';
import type { Database } from '../db/port';
import { chooseLang } from '../i18n';
import { setSecurityHeaders } from '../security-headers';
import { toPublic, type PublicWarning } from '../warnings/view';
import type { Stored } from '../warnings/store';
import { publicData, type Ahead, type Change } from './read-model';
import { onEew } from '../eew/live';

const HEARTBEAT_MS = 25_000;
/** A stream whose client reads nothing is dropped once this much waits for it. */
const MAX_BACKLOG = 256 * 1024;
const encoder = new TextEncoder();
const HELLO = encoder.encode('retry: 2000\n: connected\n\n');
const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');
export const EVENTS_PATH = '/warnings/events';

/**
 * What a page receives: the warning in force now in its thread (null: no longer in force).
 * `version` is the data version with the change; null when the event went out ahead of the
 * refresh (read from the changed thread alone): the `version` event that follows says it.
 */
export type WarningEvent = {
	thread: string;
	id: string | null;
	msgType: string | null;
	version: string | null;
	warning: (PublicWarning & { geojson: string | null }) | null;
};

/** Where a stream's bytes go: a Node ServerResponse as it is, or the SvelteKit route's controller. */
type Sink = { write(chunk: Uint8Array): unknown; end(): unknown; readonly writableLength?: number };

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

export function warningEvents(change: Change, lang: Lang, threads = changedThreads(change)): WarningEvent[] {
	return threads.map((thread) => {
		const now = change.next.warnings.find((w) => w.threadId === thread) ?? null;
		return warningEvent(thread, now, now ? (change.next.areas.get(now.id) ?? null) : null, change.next.version, lang);
	});
}

function warningEvent(thread: string, now: Stored | null, area: string | null, version: string | null, lang: Lang): WarningEvent {
	return { thread, id: now?.id ?? null, msgType: now?.msgType ?? null, version, warning: now ? { ...toPublic(now, lang), geojson: area } : null };
}

/** One event in the wire format (`id` last, so that readers matching `event:`/`data:` lines keep working). */
function frame(type: string, data: unknown, id?: string): string {
	return `event: ${type}\ndata: ${JSON.stringify(data)}\n${id ? `id: ${id}\n` : ''}\n`;
}

/** An event's payload: the same for everyone, or made per language (the text a page shows). */
export type Payload = unknown | ((lang: Lang) => unknown);

class Hub {
	readonly #streams = new Map<Lang, Set<Sink>>(LANGS.map((lang) => [lang, new Set()]));
	#heartbeat: ReturnType<typeof setInterval> | null = null;
	#version: string | null = null;
	/** threads sent ahead of the refresh, with the message id sent: the refresh does not send them again */
	readonly #sentAhead = new Map<string, string | null>();
	#stop: () => void;
	/** The one `close` listener of every Node stream (`this` is the ServerResponse). */
	readonly onClose: (this: Sink) => void;

	constructor(db: Database) {
		const model = publicData(db);
		const stopWarnings = model.onChange((change) => this.#changed(change));
		// The changed warning goes out as soon as its thread is read, before the refresh.
		const stopAhead = model.onAhead((ahead) => this.#ahead(ahead));
		// An earthquake early warning goes out the moment it is stored: the same bytes to every stream, no read model in between.
		const stopEew = onEew(db, (message) => this.publish('eew', message));
		this.#stop = () => {
			stopWarnings();
			stopAhead();
			stopEew();
		};
		void model.get().then((snapshot) => (this.#version ??= snapshot.version), () => undefined);
		const hub = this;
		this.onClose = function () {
			hub.remove(this);
		};
	}

	get size(): number {
		let n = 0;
		for (const set of this.#streams.values()) n += set.size;
		return n;
	}

	#ahead({ thread, warning, area }: Ahead) {
		if (!this.size) return;
		this.#sentAhead.set(thread, warning?.id ?? null);
		this.#write((lang) => frame('warning', warningEvent(thread, warning, area, null, lang)));
	}

	#changed(change: Change) {
		this.#version = change.next.version;
		const version = frame('version', change.next.version, change.next.version);
		// What went out ahead is not sent again when the refresh finds the same message.
		const threads = changedThreads(change).filter((thread) => {
			const ahead = this.#sentAhead.get(thread);
			this.#sentAhead.delete(thread);
			return ahead === undefined || ahead !== (change.next.warnings.find((w) => w.threadId === thread)?.id ?? null);
		});
		this.#write((lang) =>
			warningEvents(change, lang, threads)
				.map((event) => frame('warning', event))
				.join('') + version
		);
	}

	/** Sends bytes made once per language (only for languages with open streams). */
	#write(text: (lang: Lang) => string) {
		for (const [lang, streams] of this.#streams) {
			if (!streams.size) continue;
			const chunk = encoder.encode(text(lang));
			for (const stream of streams) this.#send(stream, chunk);
		}
	}

	/** Sends one event to every open stream. */
	publish(type: string, payload: Payload) {
		if (typeof payload === 'function') {
			this.#write((lang) => frame(type, (payload as (lang: Lang) => unknown)(lang)));
			return;
		}
		const chunk = encoder.encode(frame(type, payload));
		for (const streams of this.#streams.values()) for (const stream of streams) this.#send(stream, chunk);
	}

	#send(stream: Sink, chunk: Uint8Array) {
		if ((stream.writableLength ?? 0) > MAX_BACKLOG) {
			this.#end(stream);
			return;
		}
		try {
			stream.write(chunk);
		} catch {
			this.remove(stream);
		}
	}

	#end(stream: Sink) {
		this.remove(stream);
		try {
			stream.end();
		} catch {
			/* already closed */
		}
	}

	/** A new stream: the greeting, and the current version at once when `since` is older. */
	add(stream: Sink, lang: Lang, since: string | null) {
		this.#streams.get(lang)!.add(stream);
		this.#send(stream, HELLO);
		if (since && this.#version && !sameData(since, this.#version)) this.#send(stream, encoder.encode(frame('version', this.#version, this.#version)));
		this.#heartbeat ??= setInterval(() => {
			for (const streams of this.#streams.values()) for (const s of streams) this.#send(s, KEEP_ALIVE);
		}, HEARTBEAT_MS);
		this.#heartbeat.unref();
	}

	remove(stream: Sink) {
		for (const streams of this.#streams.values()) streams.delete(stream);
		if (!this.size && this.#heartbeat) {
			clearInterval(this.#heartbeat);
			this.#heartbeat = null;
		}
	}

	/** Ends every open stream (a graceful shutdown). */
	closeAll() {
		for (const streams of this.#streams.values()) for (const stream of streams) this.#end(stream);
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

/**
 * Sends one event of a type to every open `/warnings/events` stream of this process: the
 * payload serialised once (or once per language when it is a function of the language).
 * The API other live event types (an earthquake early warning …) publish through.
 */
export function publishEvent(db: Database, type: string, payload: Payload): void {
	if (!/^[a-z][a-z0-9_-]*$/.test(type)) throw new Error(`event type "${type}" is not a plain lower-case name`);
	hubs.get(db)?.publish(type, payload);
}

const BASE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' };

/** The version a stream catches up from: Last-Event-ID (a reconnect) first, then `?since=`. */
function since(lastEventId: string | null, query: URLSearchParams): string | null {
	const value = lastEventId ?? query.get('since');
	return value && value.length <= 100 ? value : null;
}

/** A text/event-stream response that forwards changes until the client goes away (the SvelteKit route). */
export function eventStream(db: Database, request: Request, url: URL, lang: Lang): Response {
	const hub = hubFor(db);
	let sink: Sink | null = null;
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			const opened: Sink = { write: (chunk) => controller.enqueue(chunk), end: () => controller.close() };
			sink = opened;
			hub.add(opened, lang, since(request.headers.get('last-event-id'), url.searchParams));
			request.signal.addEventListener('abort', () => hub.remove(opened), { once: true });
		},
		cancel() {
			if (sink) hub.remove(sink);
		}
	});
	return new Response(body, { headers: BASE_HEADERS });
}

/**
 * HEAD: the stream's headers and the end of the answer. Running GET for it (what SvelteKit
 * does without a HEAD handler) opened a stream that never ends, so the HEAD never finished.
 */
export function eventStreamHead(): Response {
	return new Response(null, { headers: BASE_HEADERS });
}

/** The headers of a stream served at the Node layer, made once per scheme (what securityHeaders adds on SvelteKit's side). */
const nodeHeaders = new Map<boolean, Record<string, string>>();
function headersFor(https: boolean): Record<string, string> {
	let made = nodeHeaders.get(https);
	if (!made) {
		const headers = new Headers(BASE_HEADERS);
		setSecurityHeaders(headers, new URL(https ? 'https://x/' : 'http://x/'));
		// The connection ends with the stream: a shutdown then has no idle keep-alive to wait for.
		headers.set('connection', 'close');
		made = Object.fromEntries(headers);
		nodeHeaders.set(https, made);
	}
	return made;
}

/** The scheme the client used, as adapter-node decides it (ORIGIN, else PROTOCOL_HEADER). */
function isHttps(header: Header): boolean {
	const origin = process.env.ORIGIN;
	if (origin) return origin.startsWith('https:');
	const name = process.env.PROTOCOL_HEADER?.toLowerCase();
	return !!name && header(name) === 'https';
}

/** One request header by its lower-case name. */
type Header = (name: string) => string | undefined;

const LANG_IN_COOKIE = new RegExp(`(?:^|;\\s*)${LANG_COOKIE}=([^;]*)`);

/** True for the requests `serveEvents` answers (the rest goes to SvelteKit). */
export function isEventsRequest(req: IncomingMessage): boolean {
	const url = req.url ?? '';
	return req.method === 'GET' && url.startsWith(EVENTS_PATH) && (url.length === EVENTS_PATH.length || url[EVENTS_PATH.length] === '?');
}

/**
 * Serves `GET /warnings/events` on the raw Node request, as the SvelteKit route would (same
 * language choice, headers and events) at a fraction of its memory per stream.
 */
export function serveEvents(db: Database, req: IncomingMessage, res: ServerResponse): void {
	const hub = hubFor(db);
	const header: Header = (name) => {
		const value = req.headers[name];
		return typeof value === 'string' ? value : undefined;
	};
	const { lang, since: from } = streamOptions(req.url!, header);
	res.writeHead(200, headersFor(isHttps(header)));
	res.on('close', hub.onClose);
	hub.add(res, lang, from);
}

/** What a connection's first bytes ask, when they are a whole plain `GET /warnings/events` and nothing else. */
export type RawRequest = { target: string; headers: Map<string, string> };

const REQUEST_LINE = /^GET (\/warnings\/events(?:\?[\x21-\x7e]*)?) HTTP\/1\.1$/;
/** Headers that make a request more than a plain GET: Node's HTTP server decides those. */
const NOT_PLAIN = new Set(['content-length', 'transfer-encoding', 'upgrade', 'expect']);
const MAX_HEAD = 16 * 1024;

/**
 * Reads a connection's first chunk. Only the plain case is taken — the whole head in the
 * chunk, nothing after it, HTTP/1.1, well-formed header lines, no body — everything
 * else (a split head, a pipelined request, anything odd) is left to Node's HTTP server.
 */
export function readEventsRequest(chunk: Buffer): RawRequest | null {
	if (chunk.length > MAX_HEAD || chunk.length < 24) return null;
	const text = chunk.toString('latin1');
	const end = text.indexOf('\r\n\r\n');
	if (end < 0 || end + 4 !== text.length) return null;
	const [first, ...lines] = text.slice(0, end).split('\r\n');
	const target = first!.match(REQUEST_LINE)?.[1];
	if (!target) return null;
	const headers = new Map<string, string>();
	for (const line of lines) {
		const colon = line.indexOf(':');
		if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(line.slice(0, colon))) return null;
		const name = line.slice(0, colon).toLowerCase();
		if (NOT_PLAIN.has(name)) return null;
		const value = line.slice(colon + 1).trim();
		// Repeated headers are joined as Node does (cookies with '; ').
		headers.set(name, headers.has(name) ? `${headers.get(name)}${name === 'cookie' ? '; ' : ', '}${value}` : value);
	}
	return { target, headers };
}

/** The language, and the version to catch up from, of a stream asked with this target and these headers. */
function streamOptions(target: string, header: Header) {
	const query = new URLSearchParams(target.length > EVENTS_PATH.length ? target.slice(EVENTS_PATH.length + 1, EVENTS_PATH.length + 1001) : '');
	const cookie = header('cookie')?.match(LANG_IN_COOKIE)?.[1];
	const { lang } = chooseLang(query.get('lang'), cookie, header('accept-language')?.slice(0, 1000) ?? null);
	return { lang, since: since(header('last-event-id') ?? null, query) };
}

/** The head of a stream answered on the socket: made once per scheme. */
const rawHeads = new Map<boolean, string>();
function rawHead(https: boolean): string {
	let head = rawHeads.get(https);
	if (!head) {
		head = 'HTTP/1.1 200 OK\r\n' + Object.entries(headersFor(https)).map(([name, value]) => `${name}: ${value}\r\n`).join('');
		rawHeads.set(https, head);
	}
	return head;
}

function endSocket(this: Socket) {
	this.end();
}
function ignore() {
	// a reset by the client: 'close' follows and removes the stream
}

/** Answers a stream on the socket itself; from then on the socket is the stream. */
function serveSocket(db: Database, socket: Socket, request: RawRequest): void {
	const hub = hubFor(db);
	const header: Header = (name) => request.headers.get(name);
	const { lang, since: from } = streamOptions(request.target, header);
	socket.setNoDelay(true);
	socket.write(`${rawHead(isHttps(header))}date: ${new Date().toUTCString()}\r\n\r\n`, 'latin1');
	socket.on('close', hub.onClose);
	socket.on('error', ignore);
	// The client half-closing (allowHalfOpen on an HTTP server) ends the stream too.
	socket.on('end', endSocket);
	hub.add(socket, lang, from);
}

/**
 * Puts the event streams below Node's HTTP server (the Node layer): new connections that
 * ask for a stream are answered on the socket, the rest go to the HTTP server's own
 * connection listener unchanged; a stream asked on a connection the HTTP server already
 * holds is answered from its request, before SvelteKit.
 */
export function takeOverEventStreams(server: Server, db: Database): void {
	const http = server.listeners('connection') as ((socket: Socket) => void)[];
	const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
	server.removeAllListeners('connection');
	server.removeAllListeners('request');
	// Until its first bytes a connection is ours: no more time than the HTTP server gives a head.
	const headWithin = server.headersTimeout || 60_000;
	server.on('connection', (socket: Socket) => {
		socket.setTimeout(headWithin, () => socket.destroy());
		socket.once('data', (chunk: Buffer) => {
			socket.setTimeout(0);
			const request = readEventsRequest(chunk);
			if (request) {
				serveSocket(db, socket, request);
				return;
			}
			// Node's HTTP server reads the bytes again, as if they had just arrived.
			socket.pause();
			socket.unshift(chunk);
			for (const listener of http) listener.call(server, socket);
			process.nextTick(() => socket.resume());
		});
	});
	server.on('request', (req: IncomingMessage, res: ServerResponse) => {
		if (isEventsRequest(req)) serveEvents(db, req, res);
		else for (const handler of handlers) handler.call(server, req, res);
	});
}

/** Where scripts/serve.js finds `takeOverEventStreams` for this process's database (set by the server's `init`). */
export const NODE_LAYER = Symbol.for('safe-miyun.live-events');

export function exposeToNodeLayer(db: Database): void {
	(globalThis as Record<symbol, unknown>)[NODE_LAYER] = (server: Server) => takeOverEventStreams(server, db);
}

/** Open streams in this process (tests, health). */
export function streamCount(db: Database): number {
	return hubs.get(db)?.size ?? 0;
}

/** Ends every open stream of this process, for a graceful shutdown; how many there were. */
export function closeStreams(db: Database): number {
	const open = streamCount(db);
	hubs.get(db)?.closeAll();
	return open;
}
