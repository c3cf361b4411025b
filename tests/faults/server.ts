/**
 * The built server (scripts/serve.js over build/index.js, what `npm start` runs) as a child process for the
 * fault suite, plus the small clients the suite drives it with: a Server-Sent Events
 * reader, a hazard report through the API, a poller that records every answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startSimulator, type SimKey, type Simulator } from '../../src/lib/server/messaging/testing/push-simulator';
import { createInstance, type Instance } from './postgres-instance';

/** What `npm start` runs once built: adapter-node's server with the event streams at the Node layer. */
export const BUILD = path.resolve('scripts/serve.js');

export type Server = {
	child: ChildProcess;
	base: string;
	/** everything the process wrote, stdout and stderr together */
	output: () => string;
	/** resolves with the exit code and how long after `sigterm()` it came */
	sigterm(): Promise<{ code: number | null; ms: number }>;
	kill(): void;
};

export async function startServer(port: number, env: Record<string, string>): Promise<Server> {
	if (!fs.existsSync('build/index.js')) throw new Error('build/index.js is missing: run `npx vite build` first (npm test does)');
	const base = `http://127.0.0.1:${port}`;
	let output = '';
	const child = spawn(process.execPath, [BUILD], {
		env: { PATH: process.env.PATH ?? '', PORT: String(port), ORIGIN: base, ANON_WRITES_PER_MINUTE: '100000', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	const end = Date.now() + 120_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`the server exited while starting:\n${output}`);
		const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
		if (ok) break;
		if (Date.now() > end) throw new Error(`the server did not become healthy:\n${output}`);
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		child,
		base,
		output: () => output,
		async sigterm() {
			const at = Date.now();
			child.kill('SIGTERM');
			const code = await exited;
			return { code, ms: Date.now() - at };
		},
		kill: () => void child.kill('SIGKILL')
	};
}

export type Stream = { events: { id: string; msgType: string }[]; ended: () => boolean; close(): void };

/** Reads /warnings/events as a browser's EventSource would, without reconnecting. */
export async function openStream(base: string): Promise<Stream> {
	const abort = new AbortController();
	const response = await fetch(`${base}/warnings/events`, { signal: abort.signal });
	if (!response.ok || !response.body) throw new Error(`/warnings/events answered ${response.status}`);
	const events: Stream['events'] = [];
	let ended = false;
	void (async () => {
		const decoder = new TextDecoder();
		let buffer = '';
		try {
			for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
				buffer += decoder.decode(chunk, { stream: true });
				let cut: number;
				while ((cut = buffer.indexOf('\n\n')) >= 0) {
					const block = buffer.slice(0, cut);
					buffer = buffer.slice(cut + 2);
					const data = block.match(/^event: warning\ndata: (.*)$/m);
					if (data) events.push(JSON.parse(data[1]!));
				}
			}
		} catch {
			// aborted by close()
		}
		ended = true;
	})();
	return { events, ended: () => ended, close: () => abort.abort() };
}

/** Files a hazard report through the API with this idempotency key; the answer's status and body. */
export async function postReport(base: string, key: string): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
	const form = new FormData();
	form.set('key', key);
	form.set('token', `fault-suite-token-${key}`.replace(/[^A-Za-z0-9_-]/g, '_'));
	form.set('category', 'road_bridge');
	form.set('description', 'Fault suite: a fallen tree blocks the road to the reservoir');
	form.set('town', '110118106');
	form.set('address', 'Mujiayu bridge');
	const response = await fetch(`${base}/api/reports`, { method: 'POST', body: form, headers: { origin: base, accept: 'application/json' } });
	const text = await response.text();
	let body: Record<string, unknown> = {};
	try {
		body = JSON.parse(text);
	} catch {
		body = { text: text.slice(0, 200) };
	}
	return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

/** Requests `paths` in a loop until stopped; counts every answer's status per path. */
export function keepRequesting(base: string, paths: string[]) {
	const statuses = new Map<string, Map<number, number>>();
	let running = true;
	const lanes = paths.map(async (p) => {
		while (running) {
			const status = await fetch(`${base}${p}`, { headers: { accept: 'text/html' } }).then(
				async (r) => {
					await r.arrayBuffer();
					return r.status;
				},
				() => 0
			);
			const counts = statuses.get(p) ?? new Map<number, number>();
			counts.set(status, (counts.get(status) ?? 0) + 1);
			statuses.set(p, counts);
			await new Promise((r) => setTimeout(r, 50));
		}
	});
	return {
		statuses,
		async stop() {
			running = false;
			await Promise.all(lanes);
		}
	};
}

/** A started instance with an empty `safe_miyun` database, and the push simulator with its CA in a file. */
export async function suiteDatabaseAndPush(keys: SimKey[]): Promise<{ instance: Instance; sim: Simulator; caDir: string; env: Record<string, string> }> {
	const instance = await createInstance();
	instance.start();
	const setup = new pg.Client({ connectionString: instance.url() });
	await setup.connect();
	await setup.query('create database safe_miyun');
	await setup.end();
	const sim = await startSimulator({ keys, sampleRate: 0.01 });
	const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-faults-'));
	const caFile = path.join(caDir, 'ca.pem');
	fs.writeFileSync(caFile, sim.cert);
	return { instance, sim, caDir, env: { DATABASE_URL: instance.url('safe_miyun'), PUSH_SERVICE_ALLOWLIST: sim.origin, PUSH_SERVICE_CA_FILE: caFile } };
}
