/**
 * `npm run bench:fanout-processes` — fan-out throughput with 1 and 2 engine processes on
 * one PostgreSQL (issue 20, item 6; docs/scale.md). Each process is the server's fan-out
 * engine alone (src/lib/server/messaging/testing/fanout-process.ts) sending to the push
 * simulator on loopback (VAPID checked on every request). For each count in
 * BENCH_PROCESSES (default "1,2"): a scratch database on BENCH_DATABASE_URL or
 * TEST_DATABASE_URL, BENCH_MATCHED (default 20,000) subscribers inside the warning,
 * time from issue to the last accepted push, and messages per second as a ratio to the
 * one-process run of the same invocation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db';
import { issueOver, seedSubscriptions } from '../../src/lib/server/messaging/testing/fanout-fixture';
import { makeKeys, startSimulator } from '../../src/lib/server/messaging/testing/push-simulator';
import { scratchDatabase } from './scratch-db';

const MATCHED = Number(process.env.BENCH_MATCHED ?? 20_000);
const COUNTS = (process.env.BENCH_PROCESSES ?? '1,2').split(',').map(Number);
const BOX: [number, number, number, number] = [40.3, 116.8, 40.45, 116.95];
const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!base) {
	console.error('bench:fanout-processes needs a PostgreSQL with PostGIS: set BENCH_DATABASE_URL (or TEST_DATABASE_URL)');
	process.exit(1);
}

const keys = makeKeys(8);
const sim = await startSimulator({ keys, sampleRate: 0.01 });
const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-processes-'));
const caFile = path.join(caDir, 'ca.pem');
fs.writeFileSync(caFile, sim.cert);
console.log(`machine: ${os.availableParallelism()} cores; ${MATCHED} recipients; engines of the server (250 per batch, 4 batches in flight each)`);

let one: number | null = null;
try {
	for (const count of COUNTS) {
		const scratch = await scratchDatabase(base, `safe_miyun_processes_${process.pid}_${count}`);
		const { db } = await openDatabase(readConfig({ DATABASE_URL: scratch.url }), 'bench:fanout-processes');
		const engines: ChildProcess[] = [];
		try {
			const prefix = `n${count}-`;
			await seedSubscriptions(db, { count: MATCHED, origin: sim.origin, keys, prefix, box: [40.32, 116.82, 40.43, 116.93] });
			for (let i = 0; i < count; i++) {
				const child = spawn(process.execPath, ['--import', 'tsx', 'src/lib/server/messaging/testing/fanout-process.ts'], {
					env: { ...process.env, DATABASE_URL: scratch.url, PUSH_SERVICE_ALLOWLIST: sim.origin, PUSH_SERVICE_CA_FILE: caFile, DELIVERY_BATCH: '250', DELIVERY_IN_FLIGHT: '4' },
					stdio: ['ignore', 'pipe', 'inherit']
				});
				await new Promise((r) => child.stdout!.once('data', r)); // "fan-out engine running"
				engines.push(child);
			}
			const before = sim.accepted;
			const started = performance.now();
			await issueOver(db, BOX);
			while (sim.accepted - before < MATCHED) await new Promise((r) => setTimeout(r, 20));
			const seconds = (performance.now() - started) / 1000;
			const rate = MATCHED / seconds;
			one ??= count === 1 ? rate : null;
			console.log(`${count} process${count > 1 ? 'es' : ''}: ${MATCHED} accepted in ${seconds.toFixed(1)} s, ${rate.toFixed(0)}/s${one ? `, ${(rate / one).toFixed(2)}× one process` : ''}`);
		} finally {
			for (const child of engines) child.kill('SIGKILL');
			await db.close();
			await scratch.drop();
		}
	}
} finally {
	await sim.close();
	fs.rmSync(caDir, { recursive: true, force: true });
}
