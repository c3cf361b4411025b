/**
 * Live events served at the Node layer (what `npm start` runs): the greeting and headers,
 * a warning to every stream in its language, other event types through `publishEvent`,
 * catch-up from `since`/Last-Event-ID, and streams leaving and being ended.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/port';
import { issueOver } from '../messaging/testing/fanout-fixture';
import { backends } from '../testing/db';
import { closeStreams, eventStream, isEventsRequest, publishEvent, readEventsRequest, streamCount, takeOverEventStreams } from './events';
import net from 'node:net';
import { publicData } from './read-model';

const AREA: [number, number, number, number] = [40.3, 116.75, 40.45, 116.95];

type Event = { type: string; data: unknown; id: string | null };
type Client = { events: Event[]; headers: http.IncomingHttpHeaders; ended: () => boolean; destroy(): void };

function parse(block: string): Event | null {
	const type = block.match(/^event: (.*)$/m)?.[1];
	const data = block.match(/^data: (.*)$/m)?.[1];
	return type && data !== undefined ? { type, data: JSON.parse(data), id: block.match(/^id: (.*)$/m)?.[1] ?? null } : null;
}

/** Opens a stream as an EventSource would, and collects its events. */
function open(base: string, path = '/warnings/events', headers: Record<string, string> = {}): Promise<Client> {
	return new Promise((resolve, reject) => {
		const request = http.get(`${base}${path}`, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
			const client: Client = { events: [], headers: response.headers, ended: () => ended, destroy: () => request.destroy() };
			let ended = false;
			let buffer = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				buffer += chunk;
				let cut: number;
				while ((cut = buffer.indexOf('\n\n')) >= 0) {
					const event = parse(buffer.slice(0, cut));
					buffer = buffer.slice(cut + 2);
					if (event) client.events.push(event);
				}
				if (buffer === '' || chunk.includes(': connected')) resolve(client);
			});
			response.on('end', () => (ended = true));
			response.on('error', () => (ended = true));
		});
		request.on('error', reject);
	});
}

async function until(what: string, ok: () => boolean, ms = 10_000) {
	const end = Date.now() + ms;
	while (!ok()) {
		if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe.each(backends())('live events at the Node layer on $name', (backend) => {
	let db: Database;
	let server: http.Server;
	let base: string;
	const listening: Promise<() => Promise<void>>[] = [];
	beforeAll(async () => {
		const opened = await backend.open();
		db = { ...opened, listen: (channel, onPayload) => (listening.push(opened.listen(channel, onPayload)), listening.at(-1)!) };
		// As scripts/serve.js does to adapter-node's server; "the app" stands for SvelteKit.
		server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`the app: ${req.method} ${req.url}`));
		takeOverEventStreams(server, db);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		await publicData(db).get();
	});
	afterAll(async () => {
		closeStreams(db);
		server?.closeAllConnections();
		await new Promise((r) => server?.close(r));
		publicData(db).close();
		for (const stop of await Promise.all(listening)) await stop();
		await db?.close();
	});

	it('answers only GET /warnings/events (and its query); the rest is SvelteKit’s', () => {
		const req = (method: string, url: string) => ({ method, url }) as http.IncomingMessage;
		expect(isEventsRequest(req('GET', '/warnings/events'))).toBe(true);
		expect(isEventsRequest(req('GET', '/warnings/events?since=x'))).toBe(true);
		expect(isEventsRequest(req('GET', '/warnings/events/'))).toBe(false);
		expect(isEventsRequest(req('GET', '/warnings/eventsx'))).toBe(false);
		expect(isEventsRequest(req('HEAD', '/warnings/events'))).toBe(false);
		expect(isEventsRequest(req('POST', '/warnings/events'))).toBe(false);
	});

	it('takes only a whole plain GET /warnings/events off a new connection; leaves anything else to the HTTP server', () => {
		const head = (text: string) => readEventsRequest(Buffer.from(text, 'latin1'));
		const plain = head('GET /warnings/events?since=a.1 HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\ncookie: lang=en\r\nAccept-Language: en\r\n\r\n');
		expect(plain?.target).toBe('/warnings/events?since=a.1');
		expect(plain?.headers.get('cookie')).toBe('a=1; lang=en');
		expect(plain?.headers.get('accept-language')).toBe('en');
		for (const text of [
			'GET /warnings/events HTTP/1.1\r\nHost: x\r\n', // head not complete in the first chunk
			'GET /warnings/events HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\n\r\n', // pipelined
			'GET /warnings/events HTTP/1.0\r\nHost: x\r\n\r\n',
			'GET /warnings/events/ HTTP/1.1\r\nHost: x\r\n\r\n',
			'GET /warnings/eventsx HTTP/1.1\r\nHost: x\r\n\r\n',
			'POST /warnings/events HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n',
			'GET /warnings/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n',
			'GET /warnings/events HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n',
			'GET /warnings/events HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n',
			'GET /warnings/events HTTP/1.1\r\nBad Name: x\r\n\r\n',
			'GET /warnings/events?x=\x80 HTTP/1.1\r\nHost: x\r\n\r\n'
		])
			expect(head(text), JSON.stringify(text)).toBeNull();
	});

	it('the other requests reach the app unchanged, also on the connection a stream could have taken', async () => {
		const page = await fetch(`${base}/warnings?x=1`);
		expect(await page.text()).toBe('the app: GET /warnings?x=1');
		const post = await fetch(`${base}/warnings/events`, { method: 'POST', body: 'x' });
		expect(await post.text()).toBe('the app: POST /warnings/events');
		// A head split over two packets: the HTTP server reads it, and the stream is still served.
		const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
		let answer = '';
		socket.setEncoding('latin1');
		socket.on('data', (chunk: string) => (answer += chunk));
		await new Promise((r) => socket.once('connect', r));
		socket.write('GET /warnings/events HTTP/1.1\r\n');
		await new Promise((r) => setTimeout(r, 100));
		socket.write('Host: x\r\n\r\n');
		await until('the split head answered', () => answer.includes(': connected'));
		expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
		expect(answer).toMatch(/content-type: text\/event-stream/i);
		socket.destroy();
	});

	it('a stream taken off the connection: the head as the HTTP server would send it, then the greeting, body until close', async () => {
		const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
		let answer = '';
		socket.setEncoding('latin1');
		socket.on('data', (chunk: string) => (answer += chunk));
		await new Promise((r) => socket.once('connect', r));
		socket.write('GET /warnings/events HTTP/1.1\r\nHost: x\r\n\r\n');
		await until('the greeting', () => answer.includes(': connected'));
		const [head, body] = answer.split('\r\n\r\n');
		expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
		expect(head).toMatch(/\r\nconnection: close\r\n/);
		expect(head).toMatch(/\r\ndate: .+ GMT/);
		expect(head).not.toMatch(/transfer-encoding|content-length/i);
		expect(body).toBe('retry: 2000\n: connected\n\n');
		// A client half-closing ends the stream.
		socket.end();
		await until('closed', () => socket.destroyed || socket.readableEnded);
	});

	it('a warning issued reaches every stream, in each stream’s language, the change’s version last with its id', async () => {
		const zh = await open(base);
		const en = await open(base, '/warnings/events', { 'accept-language': 'en-GB,en;q=0.9' });
		const byCookie = await open(base, '/warnings/events', { cookie: 'a=b; lang=en', 'accept-language': 'zh-CN' });
		expect(zh.headers['content-type']).toBe('text/event-stream; charset=utf-8');
		expect(zh.headers['cache-control']).toBe('no-store');
		expect(zh.headers['x-content-type-options']).toBe('nosniff');
		expect(zh.headers['connection']).toBe('close');
		expect(streamCount(db)).toBeGreaterThanOrEqual(3);

		const clients = [zh, en, byCookie];
		const thread = await issueOver(db, AREA).catch((error) => {
			for (const c of clients) c.destroy();
			throw error;
		});
		await until('every stream has the warning and the version', () => clients.every((c) => c.events.some((e) => e.type === 'version')));
		const version = (await publicData(db).get()).version;
		for (const client of clients) {
			// Sent ahead of the refresh (read from the thread alone, so without a version), and
			// not sent again when the refresh finds the same message.
			const sent = client.events.filter((e) => e.type === 'warning').map((e) => e.data as { thread: string; id: string; version: string | null });
			expect(sent).toEqual([expect.objectContaining({ thread, version: null })]);
			expect(sent[0]!.id).toBe((await publicData(db).get()).warnings.find((w) => w.threadId === thread)!.id);
			expect(client.events.at(-1)).toEqual({ type: 'version', data: version, id: version });
		}
		const language = (c: Client) => (c.events.find((e) => e.type === 'warning')!.data as { warning: { info: { lang: string } } }).warning.info.lang;
		expect(language(zh)).toBe('zh-CN');
		expect(language(en)).toBe('en');
		expect(language(byCookie)).toBe('en');
		for (const c of clients) c.destroy();
	});

	it('publishEvent sends an event of any type to every stream, per language when the payload is a function', async () => {
		const zh = await open(base);
		const en = await open(base, '/warnings/events?lang=en');
		publishEvent(db, 'eew', { magnitude: 5.1 });
		publishEvent(db, 'notice', (lang: string) => ({ lang }));
		await until('both events on both streams', () => [zh, en].every((c) => c.events.length >= 2));
		expect(zh.events).toEqual([
			{ type: 'eew', data: { magnitude: 5.1 }, id: null },
			{ type: 'notice', data: { lang: 'zh-CN' }, id: null }
		]);
		expect(en.events[1]).toEqual({ type: 'notice', data: { lang: 'en' }, id: null });
		expect(() => publishEvent(db, 'eew\ndata: forged', {})).toThrow(/event type/);
		zh.destroy();
		en.destroy();
	});

	it('catches up: a stream on older data (since, or Last-Event-ID on a reconnect) is sent the version at once; one on current data is not', async () => {
		const version = (await publicData(db).get()).version;
		const old = await open(base, '/warnings/events?since=0123456789abcdef.0');
		const reconnect = await open(base, '/warnings/events?since=' + encodeURIComponent(version), { 'last-event-id': 'fedcba9876543210.3' });
		const current = await open(base, '/warnings/events?since=' + encodeURIComponent(version));
		// The counter after the dot is per process: the same data on another process is no change.
		const otherProcess = await open(base, '/warnings/events', { 'last-event-id': `${version.split('.')[0]}.99` });
		await until('the catch-ups', () => old.events.length > 0 && reconnect.events.length > 0);
		expect(old.events).toEqual([{ type: 'version', data: version, id: version }]);
		expect(reconnect.events).toEqual([{ type: 'version', data: version, id: version }]);
		publishEvent(db, 'marker', 1);
		await until('the marker', () => current.events.length > 0 && otherProcess.events.length > 0);
		expect(current.events).toEqual([{ type: 'marker', data: 1, id: null }]);
		expect(otherProcess.events).toEqual([{ type: 'marker', data: 1, id: null }]);
		for (const c of [old, reconnect, current, otherProcess]) c.destroy();
	});

	it('a client gone leaves the hub; a shutdown ends every stream still open', async () => {
		await until('earlier streams gone', () => streamCount(db) === 0);
		const a = await open(base);
		const b = await open(base);
		expect(streamCount(db)).toBe(2);
		a.destroy();
		await until('the closed one removed', () => streamCount(db) === 1);
		expect(closeStreams(db)).toBe(1);
		await until('the stream ended', () => b.ended());
		expect(streamCount(db)).toBe(0);
	});

	it('HEAD gets the stream’s headers and an end, and opens no stream (it never answered)', async () => {
		const { HEAD } = await import('../../../routes/warnings/events/+server');
		const response = await HEAD({} as Parameters<typeof HEAD>[0]);
		expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
		expect(response.body).toBeNull();
		expect(streamCount(db)).toBe(0);
	});

	it('the SvelteKit route joins the same hub (vite dev, bare build/index.js)', async () => {
		const abort = new AbortController();
		const request = new Request('http://app.test/warnings/events?since=0123456789abcdef.0', { signal: abort.signal });
		const response = eventStream(db, request, new URL(request.url), 'en');
		expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
		const reader = response.body!.getReader();
		const decoder = new TextDecoder();
		let text = '';
		while (!text.includes('event: version')) text += decoder.decode((await reader.read()).value);
		expect(streamCount(db)).toBe(1);
		publishEvent(db, 'marker', 2);
		while (!text.includes('event: marker')) text += decoder.decode((await reader.read()).value);
		await reader.cancel();
		expect(streamCount(db)).toBe(0);
	});
});
