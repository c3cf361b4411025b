/**
 * Posting to push services over HTTP/2, one connection per origin, many requests in
 * flight on it — every major push service speaks HTTP/2. A naive sender opens a TLS
 * connection per message; this one reuses it. Each connection first checks that the
 * origin may be reached (allow-list, public addresses).
 */
import http2 from 'node:http2';
import type { SecureContextOptions } from 'node:tls';
import { checkResolved, type PushAllowlist } from './allowlist';

export type PushRequest = {
	endpoint: string;
	headers: Record<string, string>;
	body: Uint8Array;
};
/** `unusable`: the subscriber's keys could not be used, nothing was sent */
export type PushResponse = { status: number; retryAfter: number | null; error?: string; unusable?: boolean };

const REQUEST_TIMEOUT_MS = 15_000;

export class PushTransport {
	private sessions = new Map<string, Promise<http2.ClientHttp2Session>>();

	constructor(
		private allow: PushAllowlist,
		/** extra trust, for a self-hosted push service with its own CA */
		private tls: SecureContextOptions = {}
	) {}

	private session(origin: string): Promise<http2.ClientHttp2Session> {
		const existing = this.sessions.get(origin);
		if (existing) return existing;
		const opening = (async () => {
			await checkResolved(origin, this.allow);
			const session = http2.connect(origin, { ...this.tls, settings: { enablePush: false } });
			session.setMaxListeners(0);
			const forget = () => {
				if (this.sessions.get(origin) === opening) this.sessions.delete(origin);
			};
			session.on('close', forget);
			session.on('goaway', forget);
			session.on('error', forget);
			await new Promise<void>((resolve, reject) => {
				session.once('connect', () => resolve());
				session.once('error', reject);
			});
			session.unref();
			return session;
		})();
		opening.catch(() => this.sessions.delete(origin));
		this.sessions.set(origin, opening);
		return opening;
	}

	async send(request: PushRequest): Promise<PushResponse> {
		const url = new URL(request.endpoint);
		let session: http2.ClientHttp2Session;
		try {
			session = await this.session(url.origin);
		} catch (error) {
			return { status: 0, retryAfter: null, error: `connect: ${(error as Error).message}` };
		}
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

	close(): void {
		for (const opening of this.sessions.values()) void opening.then((s) => s.close()).catch(() => undefined);
		this.sessions.clear();
	}
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or bad. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
	const raw = Array.isArray(value) ? value[0] : value;
	if (!raw) return null;
	if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
	const date = Date.parse(raw);
	return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
