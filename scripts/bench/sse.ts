/**
 * `npm run bench:sse` — many open `/warnings/events` streams on one server process
 * (the built server, embedded database; BENCH_DATABASE_URL/TEST_DATABASE_URL with
 * BENCH_BACKEND=postgres for PostgreSQL). For each count in BENCH_SSE (default
 * "5000,20000"): the server's RSS per idle stream, and the time from a CAP POST (an
 * API key of an upstream feed) to the last stream receiving the warning.
 * Targets (issue 20): < 10 KB per idle stream; the last of 20,000 within 2 s.
 * Needs `npx vite build` and an open-file limit above the count; loopback only.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createApiKey } from '../../src/lib/server/auth/api-keys';
import { readConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db';
import { capAlert } from '../../src/lib/server/warnings/testing/fixtures';
import { scratchDatabase } from './scratch-db';
import { readRss } from './surge/rss';

const COUNTS = (process.env.BENCH_SSE ?? '5000,20000').split(',').map(Number);
const PORT = Number(process.env.BENCH_PORT ?? 4292);
const origin = `http://127.0.0.1:${PORT}`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

// The database, with an upstream feed's API key.
let env: Record<string, string>;
let cleanup: () => Promise<void>;
const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (process.env.BENCH_BACKEND === 'postgres' && base) {
	const scratch = await scratchDatabase(base, `safe_miyun_sse_${process.pid}`);
	env = { DATABASE_URL: scratch.url, DATA_DIR: '' };
	cleanup = scratch.drop;
} else {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sse-'));
	env = { DATA_DIR: dataDir, DATABASE_URL: '' };
	cleanup = async () => fs.rmSync(dataDir, { recursive: true, force: true });
}
const { db } = await openDatabase(readConfig(env), 'bench:sse');
const apiKey = await createApiKey(db, 'bench-feed', 'warning_issuer');
await db.close();

const child = spawn(process.execPath, ['build/index.js'], {
	env: { ...process.env, ...env, PORT: String(PORT), ORIGIN: origin, ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' },
	stdio: ['ignore', 'ignore', 'inherit']
});
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

type Client = { request: http.ClientRequest; got: Promise<number> };

/** Opens one stream; `got` resolves with the time the first warning event arrived. */
function open(i: number): Promise<Client> {
	return new Promise((resolve, reject) => {
		let gotIt: (at: number) => void = () => {};
		const got = new Promise<number>((r) => (gotIt = r));
		const request = http.get(`${origin}/warnings/events`, { agent, headers: { accept: 'text/event-stream', 'x-forwarded-for': `10.9.${(i >> 8) & 255}.${i & 255}` } }, (response) => {
			let seen = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				if (seen.length < 64) seen += chunk;
				if (chunk.includes('event: warning')) gotIt(performance.now());
				else if (seen.includes(': connected')) resolve({ request, got });
			});
			response.on('error', () => undefined);
		});
		request.on('error', reject);
	});
}

try {
	for (;;) {
		try {
			if ((await fetch(`${origin}/api/health`, { headers: { 'x-forwarded-for': '10.255.0.1' } })).ok) break;
		} catch {
			/* not yet */
		}
		await wait(100);
	}
	let previous: Client[] = [];
	for (const [round, count] of COUNTS.entries()) {
		for (const c of previous) c.request.destroy();
		await wait(1000);
		(global as { gc?: () => void }).gc?.();
		const before = readRss(child.pid!).rss;
		const clients: Client[] = [];
		const t0 = performance.now();
		for (let i = 0; i < count; i += 500) clients.push(...(await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => open(i + j)))));
		const opened = (performance.now() - t0) / 1000;
		await wait(3000);
		const idle = readRss(child.pid!).rss;
		const sent = performance.now();
		const response = await fetch(`${origin}/api/cap`, {
			method: 'POST',
			headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/cap+xml', 'x-forwarded-for': '10.255.0.2' },
			body: capAlert({ identifier: `bench-sse-${process.pid}-${round}` })
		});
		if (!response.ok) throw new Error(`CAP POST: ${response.status} ${await response.text()}`);
		const times = await Promise.race([Promise.all(clients.map((c) => c.got)), wait(60_000).then(() => null)]);
		const last = times ? Math.max(...times) - sent : NaN;
		const first = times ? Math.min(...times) - sent : NaN;
		const perStream = (idle - before) / count;
		console.log(
			`${count.toLocaleString('en')} streams (${env.DATABASE_URL ? 'postgres' : 'embedded'}): opened in ${opened.toFixed(1)} s; ` +
				`RSS ${mb(before)} → ${mb(idle)}, ${(perStream / 1024).toFixed(1)} KB per idle stream (target < 10 KB: ${perStream < 10 * 1024 ? 'ok' : 'MISS'}); ` +
				`CAP POST → first ${first.toFixed(0)} ms, last ${times ? `${last.toFixed(0)} ms` : 'not all within 60 s'} (target ≤ 2 s: ${last <= 2000 ? 'ok' : 'MISS'})`
		);
		previous = clients;
	}
	for (const c of previous) c.request.destroy();
} finally {
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
	await new Promise((r) => child.once('exit', r));
	clearTimeout(timer);
	await cleanup();
}
