/**
 * Posting to push services over HTTP/2, one connection per origin, many requests in
 * flight on it — every major push service speaks HTTP/2. A naive sender opens a TLS
 * connection per message; this one reuses it. A push service whose TLS handshake does
 * not choose h2 (ALPN) gets HTTP/1.1 over a keep-alive pool instead: a self-hosted or
 * proxied service must not fail every message. Each connection first checks that the
 * origin may be reached (allow-list, public addresses).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http2 from 'node:http2';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import tls, { type SecureContextOptions } from 'node:tls';
import { checkResolved, isPrivateAddress, type PushAllowlist } from './allowlist';

export type PushRequest = {
	endpoint: string;
	headers: Record<string, string>;
	body: Uint8Array;
};
/** `unusable`: the subscriber's keys could not be used, nothing was sent */
export type PushResponse = { status: number; retryAfter: number | null; error?: string; unusable?: boolean };

const REQUEST_TIMEOUT_MS = 15_000;
/** HTTP/1.1 has one request per connection at a time: this many connections per origin. */
const HTTP1_SOCKETS = 64;

type Connection = { kind: 'h2'; session: http2.ClientHttp2Session } | { kind: 'h1'; agent: https.Agent };

export class PushTransport {
	private connections = new Map<string, Promise<Connection>>();

	constructor(
		private allow: PushAllowlist,
		/** extra trust, for a self-hosted push service with its own CA */
		private tls: SecureContextOptions = {}
	) {}

	/** Every new HTTP/1.1 connection resolves the host again: the same address rule applies to each. */
	private checkedLookup(origin: string): LookupFunction {
		const listed = this.allow.origins.has(origin);
		return (hostname, options, callback) => {
			dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
				if (error) return callback(error, '', 0);
				const bad = listed ? undefined : addresses.find((a) => isPrivateAddress(a.address));
				if (bad) return callback(new Error(`${hostname} resolves to a private address (${bad.address})`), '', 0);
				if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
				callback(null, addresses[0]!.address, addresses[0]!.family);
			});
		};
	}

	private connection(origin: string): Promise<Connection> {
		const existing = this.connections.get(origin);
		if (existing) return existing;
		const opening = (async (): Promise<Connection> => {
			await checkResolved(origin, this.allow);
			const url = new URL(origin);
			const host = url.hostname.replace(/^\[|\]$/g, '');
			const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
				const s = tls.connect({
					...this.tls,
					host,
					port: Number(url.port || 443),
					servername: isIP(host) ? undefined : host,
					ALPNProtocols: ['h2', 'http/1.1']
				});
				s.once('secureConnect', () => resolve(s));
				s.once('error', reject);
			});
			const forget = () => {
				if (this.connections.get(origin) === opening) this.connections.delete(origin);
			};
			if (socket.alpnProtocol !== 'h2') {
				// The service did not choose HTTP/2: speak HTTP/1.1 on a pool of keep-alive connections.
				socket.destroy();
				const agent = new https.Agent({ ...this.tls, keepAlive: true, maxSockets: HTTP1_SOCKETS, lookup: this.checkedLookup(origin) });
				return { kind: 'h1', agent };
			}
			const session = http2.connect(origin, { settings: { enablePush: false }, createConnection: () => socket });
			session.setMaxListeners(0);
			session.on('close', forget);
			session.on('goaway', forget);
			session.on('error', forget);
			if (session.connecting) {
				await new Promise<void>((resolve, reject) => {
					session.once('connect', () => resolve());
					session.once('error', reject);
				});
			}
			session.unref();
			return { kind: 'h2', session };
		})();
		opening.catch(() => this.connections.delete(origin));
		this.connections.set(origin, opening);
		return opening;
	}

	/**
	 * Opens the connection to an origin now, if none is open or opening, so the TLS
	 * handshake runs while the first payloads are still being encrypted rather than
	 * after. A failure here is forgotten: the send that follows reports it.
	 */
	preconnect(origin: string): void {
		this.connection(origin).catch(() => undefined);
	}

	async send(request: PushRequest): Promise<PushResponse> {
		const url = new URL(request.endpoint);
		let connection: Connection;
		try {
			connection = await this.connection(url.origin);
		} catch (error) {
			return { status: 0, retryAfter: null, error: `connect: ${(error as Error).message}` };
		}
		return connection.kind === 'h2' ? sendH2(connection.session, url, request) : sendH1(connection.agent, url, request);
	}

	close(): void {
		for (const opening of this.connections.values()) {
			void opening.then((c) => (c.kind === 'h2' ? c.session.close() : c.agent.destroy())).catch(() => undefined);
		}
		this.connections.clear();
	}
}

function sendH2(session: http2.ClientHttp2Session, url: URL, request: PushRequest): Promise<PushResponse> {
	return new Promise((resolve) => {
		let stream: http2.ClientHttp2Stream;
		try {
			stream = session.request({
				':method': 'POST',
				':path': url.pathname + url.search,
				...request.headers,
				'content-length': String(request.body.length)
			});
		} catch (error) {
			resolve({ status: 0, retryAfter: null, error: `request: ${(error as Error).message}` });
			return;
		}
		stream.setTimeout(REQUEST_TIMEOUT_MS, () => stream.close(http2.constants.NGHTTP2_CANCEL));
		let status = 0;
		let retryAfter: number | null = null;
		stream.on('response', (headers) => {
			status = Number(headers[':status'] ?? 0);
			retryAfter = parseRetryAfter(headers['retry-after']);
		});
		stream.on('data', () => undefined); // bodies are not needed; drain them
		stream.on('close', () => resolve({ status, retryAfter, error: status ? undefined : 'no response' }));
		stream.on('error', () => undefined); // 'close' follows and resolves
		stream.end(request.body);
	});
}

function sendH1(agent: https.Agent, url: URL, request: PushRequest): Promise<PushResponse> {
	return new Promise((resolve) => {
		let settled = false;
		const done = (answer: PushResponse) => {
			if (!settled) resolve(answer);
			settled = true;
		};
		const req = https.request(
			url,
			{ method: 'POST', agent, headers: { ...request.headers, 'content-length': String(request.body.length) }, timeout: REQUEST_TIMEOUT_MS },
			(res) => {
				res.resume(); // bodies are not needed; drain them so the connection is reused
				res.on('end', () => done({ status: res.statusCode ?? 0, retryAfter: parseRetryAfter(res.headers['retry-after']) }));
				res.on('error', () => done({ status: res.statusCode ?? 0, retryAfter: null }));
			}
		);
		req.on('timeout', () => req.destroy(new Error('timed out')));
		req.on('error', (error) => done({ status: 0, retryAfter: null, error: `request: ${error.message}` }));
		req.end(request.body);
	});
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or bad. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
	const raw = Array.isArray(value) ? value[0] : value;
	if (!raw) return null;
	if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
	const date = Date.parse(raw);
	return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
