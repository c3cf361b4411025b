/**
 * `npm run bench:sse` — many open `/warnings/events` streams on one server process (the
 * built server as `npm start` runs it, scripts/serve.js; embedded database by default,
 * BENCH_BACKEND=postgres with BENCH_DATABASE_URL or TEST_DATABASE_URL for PostgreSQL).
 * For each count in BENCH_SSE (default "5000,20000"): the server's RSS per idle stream,
 * and the time from a CAP POST (an upstream feed's API key) to the first and the last
 * stream receiving the warning. The baseline, in the same run: the same measure through
 * the SvelteKit route (bare build/index.js) at BENCH_SSE_BASELINE streams (default 5000;
 * 0 skips it), printed as a ratio.
 * Targets (issue 20): < 10 KB per idle stream; the last of 20,000 within 2 s. On a shared
 * machine the wall time is mostly waiting for a core (a write to a loopback socket does
 * the receiver's TCP work too): the server's CPU time from the POST to the last stream
 * is printed with it, the time the same work takes on a core of its own.
 *
 * BENCH_SSE_CLIENT_NICE=10 runs the clients at a lower priority than the server (they
 * stand for phones elsewhere; on a 2-core machine they compete with the server for CPU).
 *
 * Clients run in child processes of at most 5,000 streams each (a process holds at most
 * its open-file limit of sockets), from their own loopback addresses (no shortage of
 * ports). The server needs one descriptor per stream: a count above what its limit
 * leaves is lowered and said so — raise it with `ulimit -n 25000` first where allowed.
 * Needs `npx vite build`; loopback only.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiKey } from '../../src/lib/server/auth/api-keys';
import { readConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db';
import { capAlert } from '../../src/lib/server/warnings/testing/fixtures';
import { scratchDatabase } from './scratch-db';
import { readRss } from './surge/rss';

const COUNTS = (process.env.BENCH_SSE ?? '5000,20000').split(',').map(Number);
const BASELINE = Number(process.env.BENCH_SSE_BASELINE ?? 5000);
const PORT = Number(process.env.BENCH_PORT ?? 4292);
const PER_CLIENT_PROCESS = 5000;
const CLIENT_NICE = Number(process.env.BENCH_SSE_CLIENT_NICE ?? 0);
const origin = `http://127.0.0.1:${PORT}`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const now = () => performance.timeOrigin + performance.now();

if (!fs.existsSync('build/index.js')) throw new Error('build/index.js is missing: run `npx vite build` first');

/** A process's CPU time so far (user + system, ms; /proc, 10 ms steps). */
function cpuMs(pid: number): number {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** This process's soft limit on open files (the server inherits it). */
function openFileLimit(): number {
	const line = fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+|unlimited)/m)?.[1];
	return !line || line === 'unlimited' ? Infinity : Number(line);
}

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
const backend = env.DATABASE_URL ? 'postgres' : 'embedded';
const { db } = await openDatabase(readConfig(env), 'bench:sse');
const apiKey = await createApiKey(db, 'bench-feed', 'warning_issuer');
await db.close();

type Measure = { count: number; perStream: number; before: number; idle: number; opened: number; answered: number; first: number; last: number; cpu: number };
let alerts = 0;

async function stop(child: ChildProcess) {
	if (child.exitCode !== null) return;
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	await new Promise((r) => child.once('exit', r));
	clearTimeout(timer);
}

/** Posts a CAP alert as the upstream feed. */
async function postAlert(identifier: string): Promise<void> {
	const response = await fetch(`${origin}/api/cap`, {
		method: 'POST',
		headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/cap+xml', 'x-forwarded-for': '10.255.0.2' },
		body: capAlert({ identifier })
	});
	if (!response.ok) throw new Error(`CAP POST: ${response.status} ${await response.text()}`);
}

/**
 * Starts `entry` afresh for each count (memory a previous round freed would hide what a
 * stream costs), warms it with one CAP POST (the first import compiles cold paths), then
 * opens the streams and times the next warning to the last of them.
 */
async function measure(entry: string, counts: number[]): Promise<Measure[]> {
	const results: Measure[] = [];
	for (const count of counts) results.push(await measureOne(entry, count));
	return results;
}

async function measureOne(entry: string, asked: number): Promise<Measure> {
	const server = spawn(process.execPath, [entry], {
		env: { ...process.env, ...env, PORT: String(PORT), ORIGIN: origin, ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	try {
		for (;;) {
			if (server.exitCode !== null) throw new Error(`${entry} exited while starting`);
			try {
				if ((await fetch(`${origin}/api/health`, { headers: { 'x-forwarded-for': '10.255.0.1' } })).ok) break;
			} catch {
				/* not yet */
			}
			await wait(100);
		}
		await postAlert(`bench-sse-${process.pid}-warm-${alerts}`);
		const identifier = `bench-sse-${process.pid}-${alerts++}`;
		const fds = () => fs.readdirSync(`/proc/${server.pid}/fd`).length;
		// One descriptor per stream, and what the server already holds (database, files), with room to spare.
		const room = openFileLimit() - fds() - 64;
		const count = Math.min(asked, room);
		if (count < asked) console.log(`  ${asked.toLocaleString('en')} streams asked; the open-file limit (${openFileLimit()}) leaves the server room for ${count.toLocaleString('en')} (raise it with \`ulimit -n\` where allowed)`);
		await wait(1000);
		const before = readRss(server.pid!).rss;
		const clients: ChildProcess[] = [];
		const t0 = now();
		const opened: Promise<unknown>[] = [];
		const got: Promise<{ first: number; last: number }>[] = [];
		for (let offset = 0, i = 0; offset < count; offset += PER_CLIENT_PROCESS, i++) {
			const client = fork(path.resolve('scripts/bench/sse-clients.js'), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
			// BENCH_SSE_CLIENT_NICE: the clients stand for phones elsewhere; niced, they take less of the cores the server needs.
			if (CLIENT_NICE) os.setPriority(client.pid!, CLIENT_NICE);
			clients.push(client);
			const messages = new Map<string, (m: unknown) => void>();
			opened.push(new Promise((r) => messages.set('opened', r)));
			got.push(new Promise((r) => messages.set('first', r as (m: unknown) => void)));
			client.on('message', (m: Record<string, unknown>) => {
				for (const [key, resolve] of messages) if (key in m) resolve(m);
			});
			client.send({ origin, count: Math.min(PER_CLIENT_PROCESS, count - offset), offset, localAddress: `127.0.${alerts}.${i + 1}`, identifier });
		}
		await Promise.all(opened);
		const openedIn = (now() - t0) / 1000;
		await wait(3000);
		const idle = readRss(server.pid!).rss;
		const sent = now();
		const cpuBefore = cpuMs(server.pid!);
		const response = await fetch(`${origin}/api/cap`, {
			method: 'POST',
			headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/cap+xml', 'x-forwarded-for': '10.255.0.2' },
			body: capAlert({ identifier })
		});
		const answered = now() - sent;
		if (!response.ok) throw new Error(`CAP POST: ${response.status} ${await response.text()}`);
		const all = await Promise.race([Promise.all(got), wait(60_000).then(() => null)]);
		const cpu = cpuMs(server.pid!) - cpuBefore;
		const result: Measure = {
			count,
			before,
			idle,
			perStream: (idle - before) / count,
			opened: openedIn,
			answered,
			cpu,
			first: all ? Math.min(...all.map((g) => g.first)) - sent : NaN,
			last: all ? Math.max(...all.map((g) => g.last)) - sent : NaN
		};
		for (const client of clients) client.send('close');
		await Promise.all(clients.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
		return result;
	} finally {
		await stop(server);
	}
}

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const line = (m: Measure) =>
	`${m.count.toLocaleString('en')} streams: opened in ${m.opened.toFixed(1)} s; RSS ${mb(m.before)} → ${mb(m.idle)}, ${kb(m.perStream)} per idle stream; ` +
	`CAP POST (answered in ${m.answered.toFixed(0)} ms) → first ${m.first.toFixed(0)} ms, last ${Number.isNaN(m.last) ? 'not all within 60 s' : `${m.last.toFixed(0)} ms`}; ` +
	`server CPU from the POST to the last ${m.cpu.toFixed(0)} ms`;

try {
	// The method, said with every run: where the clients run decides the wall time on a small machine.
	console.log(
		`bench:sse (${backend}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores; the clients run on the same cores as the server, ` +
			(CLIENT_NICE ? `at nice ${CLIENT_NICE} (BENCH_SSE_CLIENT_NICE: behind the server)` : 'at the same priority as the server (BENCH_SSE_CLIENT_NICE=0)') +
			'; times are from the CAP POST to the event on the clients\' clock; "server CPU" is the server\'s own CPU time over that span)'
	);
	const baseline = BASELINE > 0 ? (await measure('build/index.js', [BASELINE]))[0]! : null;
	if (baseline) console.log(`baseline, through the SvelteKit route (node build/index.js): ${line(baseline)}`);
	for (const m of await measure('scripts/serve.js', COUNTS)) {
		console.log(`Node layer (scripts/serve.js, what npm start runs): ${line(m)}`);
		console.log(
			`  targets: < 10 KB per idle stream ${m.perStream < 10 * 1024 ? 'ok' : 'MISS'}; last within 2 s ${m.last <= 2000 ? 'ok' : 'MISS'}` +
				(baseline ? `; against the baseline: memory per stream ${(m.perStream / baseline.perStream).toFixed(2)}×` : '') +
				(baseline?.count === m.count ? `, time to the last ${(m.last / baseline.last).toFixed(2)}×, server CPU ${(m.cpu / baseline.cpu).toFixed(2)}×` : '')
		);
	}
} finally {
	await cleanup();
}
