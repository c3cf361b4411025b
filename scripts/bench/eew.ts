/**
 * `npm run bench:eew` — an earthquake early warning's fastest path, on the PostgreSQL of
 * BENCH_DATABASE_URL or TEST_DATABASE_URL (a scratch database is created and dropped),
 * with SUBSCRIPTIONS push subscriptions spread over Miyun and the push-service
 * simulator on loopback (VAPID checked on every request, 1% of bodies decrypted).
 *
 * Each run stores one EEW as the network's API key (app.issue_eew, the same transaction
 * POST /api/eew runs), then measures from the start of that transaction:
 *   - first push accepted by the simulator (messaging/eew.ts, as the server runs it);
 *   - the `eew` event read from an open `/warnings/events` stream (the server's own
 *     stream object, its bytes read as a client would; HTTP framing on loopback excluded).
 * Prints p50/p95 of RUNS runs (target: p95 ≤ 300 ms), the time until every recipient
 * was accepted on the last run, and the baseline: the first accepted push of an
 * ordinary red warning over the whole district through the fan-out engine, same subscriptions.
 * Not measured: HTTP parsing and API-key lookup of the POST (about 1 ms on loopback).
 */
import os from 'node:os';
import pg from 'pg';
import webpush from 'web-push';
import { readConfig } from '../../src/lib/server/config';
import { createApiKey, findApiKey } from '../../src/lib/server/auth/api-keys';
import { asCaller, asService, type Claims } from '../../src/lib/server/db/caller';
import { openDatabase } from '../../src/lib/server/db';
import { issueEew } from '../../src/lib/server/eew/store';
import { parseAllowlist } from '../../src/lib/server/messaging/allowlist';
import { pushEew } from '../../src/lib/server/messaging/eew';
import { pushChannel, type PushParts } from '../../src/lib/server/messaging/push';
import { EncryptPool } from '../../src/lib/server/messaging/encrypt-pool';
import { startDelivery } from '../../src/lib/server/messaging/engine';
import { issueOver, seedSubscriptions } from '../../src/lib/server/messaging/testing/fanout-fixture';
import { messagesFromDisk } from '../../src/lib/server/messaging/testing/messages';
import { makeKeys, startSimulator } from '../../src/lib/server/messaging/testing/push-simulator';
import { PushTransport } from '../../src/lib/server/messaging/transport';
import { VapidSigner } from '../../src/lib/server/messaging/vapid';
import { eventStream } from '../../src/lib/server/public/events';
import { loudRadiusKm } from '../../src/lib/eew/intensity';
import type { EewFacts } from '../../src/lib/eew/message';

const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 3);
const DISTRICT: [number, number, number, number] = [40.22, 116.65, 40.83, 117.55];
const CENTRE = { lat: 40.5, lon: 117.1 };

const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!base) {
	console.error('bench:eew needs a PostgreSQL with PostGIS: set BENCH_DATABASE_URL (or TEST_DATABASE_URL)');
	process.exit(1);
}
const scratch = `safe_miyun_bench_eew_${process.pid}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database ${scratch}`);
const url = new URL(base);
url.pathname = `/${scratch}`;

const ms = (x: number) => `${x.toFixed(0)} ms`;
const pct = (xs: number[], p: number) => {
	const sorted = [...xs].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

const { db } = await openDatabase(readConfig({ DATABASE_URL: url.toString() }), 'bench');
try {
	console.log(`machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? ''}; PostgreSQL ${url.host}`);
	const keys = makeKeys(1000);
	let onAccepted: (at: number) => void = () => {};
	const sim = await startSimulator({ keys, sampleRate: 0.01, onAccepted: (_id, at) => onAccepted(at) });
	let started = performance.now();
	await seedSubscriptions(db, { count: SUBSCRIPTIONS, origin: sim.origin, keys, prefix: 'e', box: DISTRICT });
	console.log(`seeded ${SUBSCRIPTIONS.toLocaleString('en')} push subscriptions over the district in ${((performance.now() - started) / 1000).toFixed(1)} s`);

	const network: Claims = { role: 'authenticated', sub: (await findApiKey(db, await createApiKey(db, 'bench-eew', 'eew_network')))!.id, api_key: true };
	const allow = parseAllowlist(sim.origin);
	const transport = new PushTransport(allow, { ca: sim.cert });
	const vapid = webpush.generateVAPIDKeys();
	const pool = new EncryptPool();
	const parts: PushParts = { transport, signer: new VapidSigner(vapid, 'mailto:bench@example.cn'), pool, allow, messages: messagesFromDisk };

	// One open page: the server's stream for it, read as a client reads it.
	const abort = new AbortController();
	const reader = eventStream(db, abort.signal, 'zh-CN').body!.getReader();
	let onSse: (at: number, text: string) => void = () => {};
	void (async () => {
		const decoder = new TextDecoder();
		for (;;) {
			const { value, done } = await reader.read();
			if (done) return;
			const text = decoder.decode(value);
			if (text.includes('event: eew')) onSse(performance.now(), text);
		}
	})();
	await new Promise((r) => setTimeout(r, 500)); // LISTEN in place

	const magnitude = 5.5;
	console.log(`EEW M${magnitude} under the district: loud radius ${loudRadiusKm(magnitude).toFixed(0)} km (every subscription inside)`);
	const firstPush: number[] = [];
	const firstSse: number[] = [];
	const committed: number[] = [];
	let full = { recipients: 0, accepted: 0, ms: 0 };
	for (let run = 0; run < RUNS; run++) {
		const last = run === RUNS - 1;
		const facts: EewFacts = {
			eventId: `bench-${process.pid}-${run}`,
			sequence: 1,
			msgType: 'Alert',
			status: 'Actual',
			originTime: new Date(Date.now() - 2000),
			lat: CENTRE.lat + (run % 5) * 0.01,
			lon: CENTRE.lon,
			depthKm: 10,
			magnitude
		};
		const stop = new AbortController();
		let push = 0;
		let sse = 0;
		const both = new Promise<void>((resolve) => {
			const check = () => push && sse && resolve();
			onAccepted = (at) => {
				if (!push) (push = at), check();
			};
			onSse = (at, text) => {
				if (!sse && text.includes(facts.eventId)) (sse = at), check();
			};
		});
		const t0 = performance.now();
		const issued = await asCaller(db, network, (tx) => issueEew(tx, facts, 'api'));
		committed.push(performance.now() - t0);
		const sending = pushEew(db, parts, facts, last ? undefined : stop.signal);
		if (!issued.created) throw new Error('not stored');
		await both;
		firstPush.push(push - t0);
		firstSse.push(sse - t0);
		if (last) {
			const r = await sending;
			full = { ...r, ms: performance.now() - t0 };
		} else {
			stop.abort();
			await sending;
			await new Promise((r) => setTimeout(r, 200));
		}
	}
	abort.abort();
	console.log(`\nsafe-miyun EEW path, ${RUNS} runs (from the start of the storing transaction):`);
	console.log(`  storing transaction (app.issue_eew, commit): p50 ${ms(pct(committed, 50))}, p95 ${ms(pct(committed, 95))}`);
	console.log(`  first push accepted: p50 ${ms(pct(firstPush, 50))}, p95 ${ms(pct(firstPush, 95))} (target ≤ 300 ms)`);
	console.log(`  SSE event at the open page: p50 ${ms(pct(firstSse, 50))}, p95 ${ms(pct(firstSse, 95))} (target ≤ 300 ms)`);
	console.log(`  last run, everyone: ${full.accepted.toLocaleString('en')} of ${full.recipients.toLocaleString('en')} accepted in ${(full.ms / 1000).toFixed(1)} s`);
	console.log(`  simulator: VAPID refused ${sim.rejected.vapid}, ${sim.rejected.decrypt} bodies failed to decrypt`);

	// Baseline: an ordinary red warning over the same district through the fan-out engine.
	const engine = await startDelivery({ db, batch: 250, inFlight: 4, pollMs: 200, channels: [pushChannel(parts)] });
	const baseline: number[] = [];
	for (let run = 0; run < BASELINE_RUNS; run++) {
		let first = 0;
		const got = new Promise<void>((resolve) => {
			onAccepted = (at) => {
				if (!first) (first = at), resolve();
			};
		});
		const t0 = performance.now();
		const id = await issueOver(db, DISTRICT);
		await got;
		baseline.push(first - t0);
		// the rest of that warning is not the point: withdraw it
		await asService(db, (tx) => tx.query(`delete from public.delivery_queue where warning_id = $1`, [id]));
		await engine.drained();
	}
	await engine.stop();
	const b = pct(baseline, 50);
	console.log(`\nbaseline: an ordinary warning (red, the whole district) through the fan-out engine, ${BASELINE_RUNS} runs:`);
	console.log(`  first push accepted: p50 ${ms(b)}, max ${ms(Math.max(...baseline))}`);
	console.log(`\nratio: the EEW's first push is ${(b / pct(firstPush, 50)).toFixed(1)}× sooner than the baseline's (p50 vs p50)`);
	transport.close();
	await pool.close();
	await sim.close();
} finally {
	await db.close();
	await admin.query(`drop database if exists ${scratch} with (force)`);
	await admin.end();
}
process.exit(0);
