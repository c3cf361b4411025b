/**
 * `npm run bench:surge` — the pages a red warning sends everyone to, under 50 clients at
 * once, on both backends: the embedded default (PGlite in DATA_DIR) and PostgreSQL
 * (a scratch database on BENCH_DATABASE_URL or TEST_DATABASE_URL, created and dropped;
 * skipped when neither is set).
 *
 * For each page: requests/s of the built server as `npm start` runs it (scripts/serve.js
 * on `build/`, run `npx vite build` first) as a ratio to a plain Node server answering
 * the same bytes with the same headers,
 * started in the same run; p50 and p99; the server's peak RSS while the page was under
 * load, and the server's high-water mark over the whole run. Clients send what a phone
 * sends (Accept-Encoding gzip/br, Accept-Language zh-CN) and each request comes from
 * another address (X-Forwarded-For, as behind a proxy): a surge is many people.
 *
 * Bounded: BENCH_SECONDS (default 5) or 20,000 requests per measurement; loopback only.
 * Targets (issue 20): every page ≥ 20% of the static rate, p99 ≤ 200 ms, both backends;
 * embedded ≤ 400 MB.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db';
import { issueOver } from '../../src/lib/server/messaging/testing/fanout-fixture';
import { seedDemo } from '../../src/lib/server/seed';
import { scratchDatabase } from './scratch-db';
import { load, type LoadResult } from './surge/load';
import { readRss } from './surge/rss';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = 50;
const MAX_REQUESTS = 20_000;
const PORT = Number(process.env.BENCH_PORT ?? 4290);
const STATIC_PORT = PORT + 1;
const ONLY = process.env.BENCH_BACKEND; // 'embedded' | 'postgres' | undefined (both)
/** BENCH_PAGES=/api/shelters,/warnings — only the pages starting with one of these (a short run for one change). */
const PAGES = process.env.BENCH_PAGES?.split(',').filter(Boolean);
// The warning's area: the south-west of the district (溪翁庄, 密云 town seats inside).
const AREA: [number, number, number, number] = [40.3, 116.75, 40.45, 116.95];

if (!fs.existsSync('build/index.js')) {
	console.error('bench:surge needs the build: run `npx vite build` first');
	process.exit(1);
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
let counter = 0;
const phoneHeaders = () => ({
	accept: 'text/html,application/json;q=0.9,*/*;q=0.8',
	'accept-language': 'zh-CN,zh;q=0.9',
	'accept-encoding': 'gzip, br',
	// a different resident each time (10.x.y.z), as a proxy in front would say
	'x-forwarded-for': `10.${(++counter >> 16) & 255}.${(counter >> 8) & 255}.${counter & 255}`
});

type Backend = { name: 'embedded' | 'postgres'; env: Record<string, string>; thread: string; cleanup: () => Promise<void> };

async function prepare(name: Backend['name']): Promise<Backend | null> {
	if (name === 'embedded') {
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-surge-'));
		const { db } = await openDatabase(readConfig({ DATA_DIR: dataDir }), 'bench:surge');
		try {
			await seedDemo(db);
			const thread = await issueOver(db, AREA);
			return { name, env: { DATA_DIR: dataDir, DATABASE_URL: '' }, thread, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
		} finally {
			await db.close();
		}
	}
	const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
	if (!base) return null;
	const scratch = await scratchDatabase(base, `safe_miyun_surge_${process.pid}`);
	const { db } = await openDatabase(readConfig({ DATABASE_URL: scratch.url }), 'bench:surge');
	try {
		await seedDemo(db);
		const thread = await issueOver(db, AREA);
		return {
			name,
			env: { DATABASE_URL: scratch.url, DATA_DIR: '' },
			thread,
			cleanup: scratch.drop
		};
	} finally {
		await db.close();
	}
}

async function until(url: string, child: ChildProcess): Promise<void> {
	for (;;) {
		if (child.exitCode !== null) throw new Error(`${url}: the server exited with ${child.exitCode}`);
		try {
			if ((await fetch(url, { headers: { 'x-forwarded-for': '10.255.255.255' } })).ok) return;
		} catch {
			// not listening yet
		}
		await wait(50);
	}
}

async function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	// A server that does not exit on SIGTERM is not the subject here.
	const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
	await exited;
	clearTimeout(timer);
}

async function staticRate(body: Buffer, headers: Record<string, string>): Promise<LoadResult> {
	const file = path.join(os.tmpdir(), `bench-surge-body-${process.pid}`);
	fs.writeFileSync(file, body);
	const child = spawn(process.execPath, ['scripts/bench/surge/static-server.js', String(STATIC_PORT), file, JSON.stringify(headers)], {
		stdio: ['ignore', 'pipe', 'inherit']
	});
	await new Promise((r) => child.stdout!.once('data', r));
	try {
		return await load(`http://127.0.0.1:${STATIC_PORT}/`, { concurrency: CONCURRENCY, seconds: SECONDS, maxRequests: MAX_REQUESTS, headers: phoneHeaders });
	} finally {
		await stop(child);
		fs.rmSync(file, { force: true });
	}
}

type Row = { backend: string; page: string; app: LoadResult; base: LoadResult; peak: number; size: number; encoding: string };

async function run(backend: Backend): Promise<{ rows: Row[]; hwm: number; startSeconds: number }> {
	const pages = ['/', '/warnings', `/warnings/${backend.thread}`, '/scenic', '/shelters', '/guides/flash_flood', '/api/shelters/nearest?lat=40.377&lon=116.843&hazard=flash_flood'].filter(
		(page) => !PAGES || PAGES.some((prefix) => page.startsWith(prefix))
	);
	const origin = `http://127.0.0.1:${PORT}`;
	const t0 = performance.now();
	// What `npm start` runs (and so what an operator's process manager runs): the settings the app applies itself are in it.
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		env: { ...process.env, ...backend.env, PORT: String(PORT), ORIGIN: origin, ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	const rows: Row[] = [];
	try {
		await until(`${origin}/api/health`, child);
		const startSeconds = (performance.now() - t0) / 1000;
		for (const page of pages) {
			const url = origin + page;
			const { body, headers } = await rawSample(url);
			for (let i = 0; i < 20; i++) await rawSample(url); // warm
			const base = await staticRate(body, headers);
			let peak = 0;
			const sampler = setInterval(() => (peak = Math.max(peak, readRss(child.pid!).rss)), 100);
			const app = await load(url, { concurrency: CONCURRENCY, seconds: SECONDS, maxRequests: MAX_REQUESTS, headers: phoneHeaders });
			clearInterval(sampler);
			peak = Math.max(peak, readRss(child.pid!).rss);
			rows.push({ backend: backend.name, page: page.replace(backend.thread, '<id>').replace(/\?.*/, ''), app, base, peak, size: body.length, encoding: headers['content-encoding'] ?? 'identity' });
			printRow(rows.at(-1)!);
		}
		return { rows, hwm: readRss(child.pid!).hwm, startSeconds };
	} finally {
		await stop(child);
	}
}

/** The bytes and headers one page answers with, as a phone asks for it (node:http: fetch would decompress). */
async function rawSample(url: string) {
	return new Promise<{ body: Buffer; headers: Record<string, string> }>((resolve, reject) => {
		http
			.get(url, { headers: phoneHeaders() }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (c: Buffer) => chunks.push(c));
				response.on('end', () => {
					if ((response.statusCode ?? 500) >= 400) return reject(new Error(`${url}: ${response.statusCode}`));
					const headers: Record<string, string> = {};
					for (const name of ['content-type', 'content-encoding', 'cache-control', 'etag', 'vary']) {
						const value = response.headers[name];
						if (typeof value === 'string') headers[name] = value;
					}
					resolve({ body: Buffer.concat(chunks), headers });
				});
			})
			.on('error', reject);
	});
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
function printRow(r: Row) {
	const ratio = r.app.rps / r.base.rps;
	const refused = Object.entries(r.app.statuses).filter(([s]) => s !== '200');
	console.log(
		`${r.backend.padEnd(9)} ${r.page.padEnd(22)} ${r.app.rps.toFixed(0).padStart(6)}/s  static ${r.base.rps.toFixed(0).padStart(6)}/s  ` +
			`${(ratio * 100).toFixed(1).padStart(5)}%  p50 ${ms(r.app.p50).padStart(7)}  p99 ${ms(r.app.p99).padStart(7)}  ` +
			`rss ${mb(r.peak).padStart(7)}  ${(r.size / 1024).toFixed(1)} KB ${r.encoding}` +
			`${refused.length ? `  non-200: ${refused.map(([s, n]) => `${s}×${n}`).join(' ')}` : ''}` +
			`  ${ratio >= 0.2 && r.app.p99 <= 200 ? 'ok' : 'MISS'}`
	);
}

console.log(`machine: ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)}; ${CONCURRENCY} clients, ${SECONDS} s or ${MAX_REQUESTS} requests per measurement`);
const all: Row[] = [];
for (const name of ['embedded', 'postgres'] as const) {
	if (ONLY && ONLY !== name) continue;
	const backend = await prepare(name);
	if (!backend) {
		console.log('postgres: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)');
		continue;
	}
	try {
		const { rows, hwm, startSeconds } = await run(backend);
		all.push(...rows);
		const peak = Math.max(...rows.map((r) => r.peak));
		console.log(`${name}: started in ${startSeconds.toFixed(1)} s; load average ${os.loadavg()[0]!.toFixed(1)}; peak RSS under load ${mb(peak)}, high-water mark ${mb(hwm)}${name === 'embedded' ? ` (target ≤ 400 MB: ${peak <= 400 * 2 ** 20 ? 'ok' : 'MISS'})` : ''}`);
	} finally {
		await backend.cleanup();
	}
}
const misses = all.filter((r) => r.app.rps / r.base.rps < 0.2 || r.app.p99 > 200);
console.log(`${all.length - misses.length}/${all.length} page runs within target (≥ 20% of static, p99 ≤ 200 ms)`);
