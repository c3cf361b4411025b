/**
 * Several server processes on one PostgreSQL (issue 20, item 6; docs/scale.md): two built
 * servers started at the same moment on an empty database, both running the fan-out to
 * the push simulator. Checked: they migrate once between them (the advisory lock), a
 * warning's fan-out reaches every recipient exactly once (leases and SKIP LOCKED: no
 * crash, so no second send), the NOTIFY reaches both processes — their read models
 * (the /warnings page) and their open event streams — and so does its
 * cancellation. The SLA clock's SKIP LOCKED between two connections is tested in
 * src/lib/server/reports/reports.spec.ts.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/lib/server/db/caller';
import { openPostgres } from '../../src/lib/server/db/postgres';
import type { Database } from '../../src/lib/server/db/port';
import { issueOver, seedSubscriptions } from '../../src/lib/server/messaging/testing/fanout-fixture';
import { makeKeys, type Simulator } from '../../src/lib/server/messaging/testing/push-simulator';
import * as warnings from '../../src/lib/server/warnings/store';
import { freePort, type Instance } from './postgres-instance';
import { openStream, startServer, suiteDatabaseAndPush, type Server, type Stream } from './server';

const RECIPIENTS = 6_000;
const BOX: [number, number, number, number] = [40.3, 116.8, 40.45, 116.95];
// The fixture's warning, as the English page shows it.
const HEADLINE = 'Red rainstorm warning';
const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 60_000) => {
	const end = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
};

describe('two server processes on one PostgreSQL', () => {
	let instance: Instance;
	let sim: Simulator;
	let servers: Server[] = [];
	let db: Database;
	let caDir: string | undefined;
	const keys = makeKeys(8);

	beforeAll(async () => {
		let env: Record<string, string>;
		({ instance, sim, caDir, env } = await suiteDatabaseAndPush(keys));
		// At the same moment, on an empty database: the second waits for the first's migrations.
		servers = await Promise.all([startServer(await freePort(), env), startServer(await freePort(), env)]);
		db = openPostgres(instance.url('safe_miyun'), 2);
		await seedSubscriptions(db, { count: RECIPIENTS, origin: sim.origin, keys, prefix: 'p', box: [40.32, 116.82, 40.43, 116.93] });
	}, 240_000);

	afterAll(async () => {
		for (const s of servers) s.kill();
		await db?.close().catch(() => undefined);
		await sim?.close();
		instance?.remove();
		if (caDir) fs.rmSync(caDir, { recursive: true, force: true });
	});

	it('migrate once between them, though started together', async () => {
		const applied = servers.map((s) => Number(s.output().match(/(\d+) migration\(s\) applied/)?.[1] ?? NaN));
		expect(applied.sort((a, b) => a - b)[0]).toBe(0);
		expect(applied[1]).toBeGreaterThan(10);
		const [row] = await db.query<{ n: number; versions: number }>('select count(*)::int as n, count(distinct version)::int as versions from app_meta.migrations');
		expect(row!.n).toBe(row!.versions);
	});

	it('fan out a warning exactly once between them, and both processes show it and stream it', async () => {
		const [a, b] = servers as [Server, Server];
		const streams: Stream[] = [await openStream(a.base), await openStream(b.base)];
		try {
			const started = performance.now();
			const warningId = await issueOver(db, BOX);

			// NOTIFY → each process's read model → its pages and its streams.
			await until('both streams got the warning', () => streams.every((s) => s.events.some((e) => e.id === warningId)), 30_000);
			// A stream gets the changed warning as soon as its thread is read; the page follows
			// once the read model's full refresh is done (its `version` event), a moment later.
			const shows = async (base: string) => (await (await fetch(`${base}/warnings?lang=en`)).text()).includes(HEADLINE);
			for (const server of servers) await until(`${server.base} /warnings shows the warning`, () => shows(server.base), 30_000);

			await until('every recipient', () => sim.accepted >= RECIPIENTS, 180_000);
			const seconds = (performance.now() - started) / 1000;
			// Settled: nothing left queued, and no recipient twice (nobody crashed, so no lease ran out).
			await until('the queue is settled', async () => {
				const [row] = await asService(db, (tx) => tx.query<{ n: number }>(`select count(*)::int as n from public.delivery_queue where warning_id = $1 and state = 'queued'`, [warningId]));
				return row!.n === 0;
			});
			const counts = [...sim.counts.entries()].filter(([id]) => id.startsWith('p'));
			expect(counts).toHaveLength(RECIPIENTS);
			expect(counts.filter(([, n]) => n !== 1)).toEqual([]);
			console.log(`processes: ${RECIPIENTS} recipients in ${seconds.toFixed(1)} s with 2 processes`);

			// The cancellation, too, reaches both.
			await asService(db, async (tx) => {
				const [thread] = await tx.query<{ thread_id: string }>('select thread_id from public.warnings where id = $1', [warningId]);
				expect(await warnings.cancel(tx, thread!.thread_id)).toMatchObject({ ok: true });
			});
			await until('both streams got the end', () => streams.every((s) => s.events.some((e) => (e.id as string | null) === null)), 30_000);
			for (const server of servers) await until(`${server.base} /warnings no longer shows it`, async () => !(await shows(server.base)), 30_000);
		} finally {
			for (const s of streams) s.close();
		}
	}, 300_000);
});
