/**
 * The fault suite (issue 22): the built server on a PostgreSQL instance of the suite's
 * own, which is restarted while the server serves pages, holds SSE streams and is
 * halfway through a 20,000-recipient fan-out to the push simulator, and whose
 * connections are then killed in a loop for 10 s. Afterwards: the same server process,
 * health 200, every recipient sent to once (a second time only within the in-flight
 * window), the SSE streams got the warning issued while the server could not listen,
 * and the reports sent meanwhile were filed exactly once.
 */
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/lib/server/db/caller';
import { openPostgres } from '../../src/lib/server/db/postgres';
import type { Database } from '../../src/lib/server/db/port';
import { issueOver, seedSubscriptions } from '../../src/lib/server/messaging/testing/fanout-fixture';
import { makeKeys, type Simulator } from '../../src/lib/server/messaging/testing/push-simulator';
import { freePort, type Instance } from './postgres-instance';
import { keepRequesting, openStream, postReport, startServer, suiteDatabaseAndPush, type Server, type Stream } from './server';

const RECIPIENTS = 20_000;
// The engine's defaults (src/lib/server/messaging/engine.ts): recipients per batch and
// batches in flight per channel. Rows sent but not yet recorded when the database goes
// are sent again after their lease: at most this many.
const IN_FLIGHT_WINDOW = 250 * 4;
const BOX: [number, number, number, number] = [40.3, 116.8, 40.45, 116.95];
// Where no subscriber lives: the warning issued in the gap goes to the pages only.
const GAP_BOX: [number, number, number, number] = [40.55, 116.95, 40.6, 117.0];

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 60_000) => {
	const end = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
};
const log = (line: string) => console.log(`faults: ${line}`);

describe('the database goes away under load (PostgreSQL)', () => {
	let instance: Instance;
	let sim: Simulator;
	let server: Server;
	let db: Database;
	let admin: pg.Client;
	let streams: Stream[] = [];
	let fanoutId: string;
	let caDir: string | undefined;
	let gapId: string;
	const reportKeys = { restart: crypto.randomUUID(), killLoop: crypto.randomUUID() };
	const keys = makeKeys(8);
	const figures: Record<string, unknown> = {};

	beforeAll(async () => {
		let env: Record<string, string>;
		({ instance, sim, caDir, env } = await suiteDatabaseAndPush(keys));
		server = await startServer(await freePort(), env);
		db = openPostgres(instance.url('safe_miyun'), 2);
		await seedSubscriptions(db, { count: RECIPIENTS, origin: sim.origin, keys, prefix: 'f', box: [40.32, 116.82, 40.43, 116.93] });
	}, 150_000);

	afterAll(async () => {
		for (const s of streams) s.close();
		server?.kill();
		await admin?.end().catch(() => undefined);
		await db?.close().catch(() => undefined);
		await sim?.close();
		instance?.remove();
		if (caDir) fs.rmSync(caDir, { recursive: true, force: true });
		log(JSON.stringify(figures));
		log(`the server's last lines:\n${server?.output().split('\n').slice(-30).join('\n')}`);
	});

	const reportsFiled = async (key: string) => {
		const [row] = await asService(db, (tx) => tx.query<{ n: number }>('select count(*)::int as n from public.reports where idempotency_key = $1', [key]));
		return row!.n;
	};
	const queued = async (warningId: string, claimable: boolean) => {
		const [row] = await asService(db, (tx) =>
			tx.query<{ n: number }>(
				`select count(*)::int as n from public.delivery_queue
				  where warning_id = $1 and state = 'queued' ${claimable ? 'and (lease_until is null or lease_until < now())' : ''}`,
				[warningId]
			)
		);
		return row!.n;
	};
	const sentTo = () => [...sim.counts.entries()].filter(([id]) => id.startsWith('f'));

	it('restart halfway through a fan-out, with pages, streams and a report in flight', async () => {
		const pid = server.child.pid;
		streams = await Promise.all([1, 2, 3].map(() => openStream(server.base)));
		const pages = keepRequesting(server.base, ['/', '/warnings', '/api/health']);

		fanoutId = await issueOver(db, BOX);
		await until('a quarter of the fan-out', () => sim.accepted >= RECIPIENTS / 4, 90_000);
		const atRestart = sentTo().length;
		figures.recipientsBeforeRestart = atRestart;
		expect(atRestart).toBeLessThan(RECIPIENTS);

		// The restart, with a gap: the database runs on its socket only for a moment, so
		// the server's connections stay refused while a warning is issued by someone else.
		instance.stop();
		instance.start({ tcp: false });
		const other = openPostgres(instance.socketUrl('safe_miyun'), 1);
		try {
			gapId = await issueOver(other, GAP_BOX);
		} finally {
			await other.close();
		}
		const during = await postReport(server.base, reportKeys.restart);
		expect(during, JSON.stringify(during.body)).toMatchObject({ status: 503 });
		expect(Number(during.retryAfter)).toBeGreaterThan(0);
		// The warnings list comes from the read model: the last data, still served.
		const list = await fetch(`${server.base}/warnings?lang=en`, { headers: { accept: 'text/html' } });
		expect(list.status).toBe(200);
		// A page that needs the database says what is going on, in the reader's language, and when to retry.
		for (const [lang, title] of [['zh-CN', '服务暂时不可用'], ['en', 'Temporarily unavailable']]) {
			const page = await fetch(`${server.base}/report/rates?lang=${lang}`, { headers: { accept: 'text/html' } });
			expect(page.status).toBe(503);
			expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0);
			expect(await page.text()).toContain(title);
		}
		const health = await fetch(`${server.base}/api/health`);
		expect(health.status).toBe(503);
		expect(await health.json()).toMatchObject({ status: 'unavailable', reason: expect.any(String) });
		instance.stop();
		instance.start();
		const back = Date.now();
		await until('health 200', async () => (await fetch(`${server.base}/api/health`)).status === 200, 30_000);
		figures.secondsToHealthyAfterRestart = (Date.now() - back) / 1000;
		log(`healthy ${figures.secondsToHealthyAfterRestart} s after the database was back`);

		// What the streams could not hear while the server was not listening reaches them now.
		await until('the gap warning on every stream', () => streams.every((s) => s.events.some((e) => e.id === gapId)), 30_000);
		expect(streams.every((s) => !s.ended())).toBe(true);

		// The report refused with 503 goes through once the database is back, once.
		const retried = await postReport(server.base, reportKeys.restart);
		expect(retried.status).toBe(201);
		const again = await postReport(server.base, reportKeys.restart);
		expect(again).toMatchObject({ status: 200, body: { created: false, ticket: retried.body.ticket } });

		await pages.stop();
		const all = [...pages.statuses.values()].flatMap((m) => [...m.entries()]);
		figures.pageAnswersDuringRestart = Object.fromEntries([...pages.statuses.entries()].map(([p, m]) => [p, Object.fromEntries(m)]));
		expect(all.filter(([status]) => status === 500 || status === 0)).toEqual([]);
		expect(all.some(([status]) => status === 503)).toBe(true);
		expect(server.child.pid).toBe(pid);
		expect(server.child.exitCode).toBeNull();
	}, 150_000);

	it('connections killed in a loop for 10 s', async () => {
		// The fan-out ends first: the rows whose lease the restart cut are sent again once it
		// runs out (30 s). A second fault on those same rows would be a second window.
		await until('the fan-out to finish', async () => (await queued(fanoutId, false)) === 0, 90_000);
		const pages = keepRequesting(server.base, ['/', '/warnings', '/api/health']);
		admin = new pg.Client({ connectionString: instance.url('safe_miyun'), application_name: 'fault-suite' });
		await admin.connect();
		let kills = 0;
		const end = Date.now() + 10_000;
		const killing = (async () => {
			while (Date.now() < end) {
				const { rows } = await admin.query(`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = 'safe-miyun'`);
				kills += rows[0].n;
				await new Promise((r) => setTimeout(r, 100));
			}
		})();
		// A report sent meanwhile, and sent again as the device's queue does: on a 503
		// after Retry-After, and once more after a success (as if its answer was lost).
		const answers: number[] = [];
		while (Date.now() < end + 20_000) {
			const answer = await postReport(server.base, reportKeys.killLoop);
			answers.push(answer.status);
			if (answer.status === 201 || answer.status === 200) {
				if (Date.now() > end) break;
				await new Promise((r) => setTimeout(r, 2000));
			} else {
				expect(answer, JSON.stringify(answer.body)).toMatchObject({ status: 503 });
				await new Promise((r) => setTimeout(r, Number(answer.retryAfter) * 1000));
			}
		}
		await killing;
		await pages.stop();
		figures.connectionsKilled = kills;
		figures.reportAnswersDuringKills = answers;
		expect(kills).toBeGreaterThan(10);
		expect(answers.some((status) => status === 200 || status === 201)).toBe(true);
		const all = [...pages.statuses.values()].flatMap((m) => [...m.entries()]);
		figures.pageAnswersDuringKills = Object.fromEntries([...pages.statuses.entries()].map(([p, m]) => [p, Object.fromEntries(m)]));
		expect(all.filter(([status]) => status === 500 || status === 0)).toEqual([]);
	}, 90_000);

	it('afterwards: same process, healthy, every recipient once, each report once', async () => {
		await until('health 200', async () => (await fetch(`${server.base}/api/health`)).status === 200, 10_000);
		expect(server.child.exitCode).toBeNull();
		const counts = sentTo();
		const twice = counts.filter(([, n]) => n > 1).length;
		figures.recipientsAfter = counts.length;
		figures.recipientsSentTwice = twice;
		expect(counts).toHaveLength(RECIPIENTS);
		expect(counts.every(([, n]) => n === 1 || n === 2)).toBe(true);
		expect(twice).toBeLessThanOrEqual(IN_FLIGHT_WINDOW);
		const [states] = await asService(db, (tx) =>
			tx.query<{ sent: number }>(`select count(*) filter (where state = 'sent')::int as sent from public.delivery_queue where warning_id = $1`, [fanoutId])
		);
		expect(states!.sent).toBe(RECIPIENTS);

		figures.reports = { restart: await reportsFiled(reportKeys.restart), killLoop: await reportsFiled(reportKeys.killLoop) };
		expect(figures.reports).toEqual({ restart: 1, killLoop: 1 });
		expect(streams.every((s) => !s.ended())).toBe(true);
		// One line per state change, never a stack trace.
		expect(server.output()).not.toMatch(/^\s+at /m);
		figures.serverLogLines = server.output().split('\n').length;
	}, 150_000);

	it('SIGTERM with SSE streams open: the server exits within 10 s', async () => {
		await until('a stream is open', () => streams.length > 0 && streams.every((s) => !s.ended()), 1000);
		const { code, ms } = await server.sigterm();
		figures.sigtermExitMs = ms;
		expect(code).toBe(0);
		expect(ms).toBeLessThan(10_000);
		await until('the streams to end', () => streams.every((s) => s.ended()), 2000);
	}, 30_000);
});
