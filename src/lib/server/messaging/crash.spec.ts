/**
 * The crash test of the issue: a fan-out to 20,000 recipients, its process killed with
 * SIGKILL midway, started again — every recipient must have been sent to at least once,
 * and no more than the rows in flight at the kill a second time.
 *
 * It needs a database two processes share, so it runs on the PostgreSQL of
 * TEST_DATABASE_URL (as in CI); without one it is skipped, and says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { openPostgres } from '../db/postgres';
import { postgresCopy } from '../testing/db';
import { issueOver, seedSubscriptions } from './testing/fanout-fixture';
import { makeKeys, startSimulator, type Simulator } from './testing/push-simulator';

const RECIPIENTS = 20_000;
const BATCH = 200;
const IN_FLIGHT = 2;
const url = process.env.TEST_DATABASE_URL;
const template = inject('postgresTemplate');
const BOX: [number, number, number, number] = [40.3, 116.8, 40.45, 116.95];

describe.skipIf(!url || !template)('a fan-out survives SIGKILL (PostgreSQL)', () => {
	let copy: { url: string; drop(): Promise<void> };
	let db: Database;
	let sim: Simulator;
	let caFile: string;
	const keys = makeKeys(8);

	beforeAll(async () => {
		copy = await postgresCopy(url!, template!);
		db = openPostgres(copy.url, 4);
		sim = await startSimulator({ keys, sampleRate: 0.01 });
		caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crash-')), 'ca.pem');
		fs.writeFileSync(caFile, sim.cert);
		await seedSubscriptions(db, { count: RECIPIENTS, origin: sim.origin, keys, prefix: 'c', box: [40.32, 116.82, 40.43, 116.93] });
	}, 120_000);
	afterAll(async () => {
		await sim?.close();
		await db?.close();
		await copy?.drop();
	});

	const startEngine = (): ChildProcess =>
		spawn(process.execPath, ['--import', 'tsx', 'src/lib/server/messaging/testing/fanout-process.ts'], {
			env: {
				...process.env,
				DATABASE_URL: copy.url,
				PUSH_SERVICE_ALLOWLIST: sim.origin,
				PUSH_SERVICE_CA_FILE: caFile,
				DELIVERY_BATCH: String(BATCH),
				DELIVERY_IN_FLIGHT: String(IN_FLIGHT),
				DELIVERY_LEASE_SECONDS: '3'
			},
			stdio: ['ignore', 'inherit', 'inherit']
		});
	const until = async (check: () => boolean | Promise<boolean>, ms: number) => {
		const end = Date.now() + ms;
		while (!(await check())) {
			if (Date.now() > end) throw new Error('timed out');
			await new Promise((r) => setTimeout(r, 20));
		}
	};

	it('sends to every recipient, duplicates bounded by the rows in flight', async () => {
		const first = startEngine();
		const warningId = await issueOver(db, BOX);
		await until(() => sim.accepted >= RECIPIENTS / 4, 90_000);
		first.kill('SIGKILL');
		await new Promise((r) => first.once('exit', r));
		const atKill = sim.accepted;
		expect(atKill).toBeLessThan(RECIPIENTS); // killed midway, not after

		const second = startEngine();
		try {
			await until(async () => {
				const [row] = await asService(db, (tx) =>
					tx.query<{ n: number }>(`select count(*)::int as n from public.delivery_queue where warning_id = $1 and state = 'queued'`, [warningId])
				);
				return row!.n === 0;
			}, 120_000);
		} finally {
			second.kill('SIGKILL');
		}
		const counts = [...sim.counts.entries()].filter(([id]) => id.startsWith('c'));
		expect(counts).toHaveLength(RECIPIENTS);
		const twice = counts.filter(([, n]) => n === 2).length;
		expect(counts.every(([, n]) => n >= 1 && n <= 2)).toBe(true);
		expect(twice).toBeLessThanOrEqual(BATCH * IN_FLIGHT);
		const [states] = await asService(db, (tx) =>
			tx.query<{ sent: number; total: number }>(
				`select count(*) filter (where state = 'sent')::int as sent, count(*)::int as total from public.delivery_queue where warning_id = $1`,
				[warningId]
			)
		);
		expect(states).toEqual({ sent: RECIPIENTS, total: RECIPIENTS });
		console.log(`crash test: ${atKill} accepted before SIGKILL, ${twice} sent twice (bound ${BATCH * IN_FLIGHT})`);
	}, 300_000);
});
