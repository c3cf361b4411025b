/**
 * A push service on loopback for tests and the benchmark (RFC 8030 receiving side):
 * HTTP/2 and HTTP/1.1 over TLS with a throw-away certificate, every request's VAPID
 * JWT checked (RFC 8292: ES256, audience, expiry, the k= key), a random sample of
 * bodies decrypted with the subscriber's private key (RFC 8291, via http_ece — the
 * library web-push itself uses). Per endpoint it counts what arrived, and it can be
 * told to answer some endpoints with an error.
 */
import { execFileSync } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { importJWK, jwtVerify } from 'jose';

const ece = createRequire(import.meta.url)('http_ece') as {
	decrypt(buffer: Buffer, params: { version: string; privateKey: unknown; authSecret: string }): Buffer;
};

export type SimKey = { ecdh: ReturnType<typeof createECDH>; p256dh: string; auth: string };

/** Real subscriber keys; a pool is shared by many endpoints (key generation is slow). */
export function makeKeys(n: number): SimKey[] {
	return Array.from({ length: n }, () => {
		const ecdh = createECDH('prime256v1');
		ecdh.generateKeys();
		return { ecdh, p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
	});
}

/** A self-signed certificate for 127.0.0.1, made with openssl into a temporary folder. */
export function loopbackCertificate(): { key: string; cert: string } {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'push-sim-'));
	try {
		execFileSync('openssl', [
			'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
			'-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
			'-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')
		], { stdio: 'ignore' });
		return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

export type SimulatorOptions = {
	keys: SimKey[];
	/** share of bodies decrypted and checked (at least 1% in the benchmark) */
	sampleRate?: number;
	/** answer for an endpoint id; default 201 */
	answer?: (id: string) => { status: number; retryAfter?: string } | null;
	certificate?: { key: string; cert: string };
	onAccepted?: (id: string, at: number) => void;
	/** `http/1.1`: a service that does not speak HTTP/2 (its TLS handshake never chooses h2) */
	protocol?: 'h2' | 'http/1.1';
};

export type Simulator = {
	origin: string;
	cert: string;
	endpoint(id: string, keyIndex: number): string;
	counts: Map<string, number>;
	accepted: number;
	rejected: { vapid: number; decrypt: number };
	decrypted: number;
	/** the last decrypted payload per endpoint id */
	payloads: Map<string, string>;
	/** headers of the last request per endpoint id */
	headers: Map<string, Record<string, string>>;
	close(): Promise<void>;
};

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
	const certificate = options.certificate ?? loopbackCertificate();
	const sampleRate = options.sampleRate ?? 0.01;
	const verified = new Map<string, Promise<boolean>>();
	let origin = '';

	const verify = (authorization: string | undefined): Promise<boolean> => {
		const match = authorization?.match(/^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/);
		if (!match) return Promise.resolve(false);
		const [, token, key] = match as unknown as [string, string, string];
		let result = verified.get(token);
		if (!result) {
			result = (async () => {
				const raw = Buffer.from(key, 'base64url');
				if (raw.length !== 65 || raw[0] !== 4) return false;
				const jwk = { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') };
				try {
					const { payload } = await jwtVerify(token, await importJWK(jwk, 'ES256'), { audience: origin, algorithms: ['ES256'] });
					return typeof payload.exp === 'number' && typeof payload.sub === 'string';
				} catch {
					return false;
				}
			})();
			verified.set(token, result);
		}
		return result;
	};

	const sim: Simulator = {
		origin: '',
		cert: certificate.cert,
		endpoint: (id, keyIndex) => `${sim.origin}/push/${keyIndex}/${id}`,
		counts: new Map(),
		accepted: 0,
		rejected: { vapid: 0, decrypt: 0 },
		decrypted: 0,
		payloads: new Map(),
		headers: new Map(),
		close: async () => undefined
	};

	const server =
		options.protocol === 'http/1.1'
			? https.createServer({ ...certificate, ALPNProtocols: ['http/1.1'] })
			: http2.createSecureServer({ ...certificate, allowHTTP1: true, settings: { maxConcurrentStreams: 1000 } });
	// the compatibility API of http2 and the https API share what is used here
	(server as http2.Http2SecureServer).on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', async () => {
			// For browser journeys in another process: the last decrypted payload of an endpoint.
			const peek = req.url.match(/^\/_sim\/payloads\/([^/?]+)$/);
			if (req.method === 'GET' && peek) {
				const payload = sim.payloads.get(peek[1]!);
				res.writeHead(payload ? 200 : 404, { 'content-type': 'application/json' }).end(payload ?? '{}');
				return;
			}
			const match = req.url.match(/^\/push\/(\d+)\/([^/?]+)$/);
			if (req.method !== 'POST' || !match) {
				res.writeHead(404).end();
				return;
			}
			const [, keyIndex, id] = match as unknown as [string, string, string];
			if (!(await verify(req.headers.authorization))) {
				sim.rejected.vapid += 1;
				res.writeHead(401).end();
				return;
			}
			const body = Buffer.concat(chunks);
			const record = Math.random() < sampleRate || sim.payloads.size < 50;
			if (record) {
				const key = options.keys[Number(keyIndex)];
				try {
					if (!key || req.headers['content-encoding'] !== 'aes128gcm') throw new Error('no key');
					const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: key.ecdh, authSecret: key.auth });
					sim.decrypted += 1;
					sim.payloads.set(id, plain.toString('utf8'));
				} catch {
					sim.rejected.decrypt += 1;
					res.writeHead(400).end();
					return;
				}
			}
			const planned = options.answer?.(id);
			if (planned && planned.status >= 300) {
				res.writeHead(planned.status, planned.retryAfter ? { 'retry-after': planned.retryAfter } : {}).end();
				return;
			}
			sim.counts.set(id, (sim.counts.get(id) ?? 0) + 1);
			sim.headers.set(id, {
				ttl: String(req.headers.ttl ?? ''),
				urgency: String(req.headers.urgency ?? ''),
				topic: String(req.headers.topic ?? ''),
				version: req.httpVersion
			});
			sim.accepted += 1;
			options.onAccepted?.(id, performance.now());
			res.writeHead(201, { location: `/messages/${id}` }).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
	sim.origin = origin;
	sim.close = () =>
		new Promise((resolve) => {
			server.close(() => resolve());
			// open HTTP/2 sessions would keep close() waiting
			setTimeout(resolve, 500).unref();
		});
	return sim;
}
