/**
 * `npm run bench:fanout` — the fan-out against a push-service simulator on loopback
 * (VAPID checked on every request, 1% of bodies decrypted), on the PostgreSQL of
 * BENCH_DATABASE_URL or TEST_DATABASE_URL (a scratch database is created and dropped).
 *
 * Prints: the geo-match time over SUBSCRIPTIONS subscriptions; for the recipients of
 * one warning (about MATCHED), time from issue to the first and the last accepted
 * request and messages per second; then the same for the baseline — web-push's
 * sendNotification with as many requests in flight — and the ratio; peak memory.
 * Targets (issue #4, 2-core machine, simulator included): ≥ 4× the baseline;
 * all accepted within 25 s; first within 300 ms; geo-match of 1,000,000 within 1 s.
 */
import https from 'node:https';
import os from 'node:os';
import pg from 'pg';
import webpush from 'web-push';
import { readConfig } from '../../src/lib/server/config';
import { asService } from '../../src/lib/server/db/caller';
import { openDatabase } from '../../src/lib/server/db';
import { parseAllowlist } from '../../src/lib/server/messaging/allowlist';
import { pushChannel } from '../../src/lib/server/messaging/push';
import { EncryptPool } from '../../src/lib/server/messaging/encrypt-pool';
import { startDelivery } from '../../src/lib/server/messaging/engine';
import { issueOver, seedSubscriptions } from '../../src/lib/server/messaging/testing/fanout-fixture';
import { messagesFromDisk } from '../../src/lib/server/messaging/testing/messages';
import { makeKeys, startSimulator } from '../../src/lib/server/messaging/testing/push-simulator';
import { PushTransport } from '../../src/lib/server/messaging/transport';
import { VapidSigner } from '../../src/lib/server/messaging/vapid';

const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const MATCHED = Number(process.env.BENCH_MATCHED ?? 100_000);
const BATCH = 250;
const IN_FLIGHT = 4;
// Miyun District's bounding box [south, west, north, east]; subscriptions spread over it.
const DISTRICT: [number, number, number, number] = [40.22, 116.65, 40.83, 117.55];

const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!base) {
	console.error('bench:fanout needs a PostgreSQL with PostGIS: set BENCH_DATABASE_URL (or TEST_DATABASE_URL)');
	process.exit(1);
}
const scratch = `safe_miyun_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database ${scratch}`);
const url = new URL(base);
url.pathname = `/${scratch}`;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const { db } = await openDatabase(readConfig({ DATABASE_URL: url.toString() }), 'bench');
try {
	console.log(`machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? ''}; PostgreSQL ${url.host}`);
	const keys = makeKeys(1000);
	let t0 = 0;
	let first = 0;
	let last = 0;
	let target = Infinity;
	const sim = await startSimulator({
		keys,
		sampleRate: 0.01,
		onAccepted: (_id, at) => {
			if (!first) first = at;
			if (sim.accepted + 1 >= target && !last) last = at;
		}
	});

	let started = performance.now();
	await seedSubscriptions(db, { count: SUBSCRIPTIONS, origin: sim.origin, keys, prefix: 'b', box: DISTRICT });
	console.log(`seeded ${SUBSCRIPTIONS.toLocaleString('en')} subscriptions in ${s(performance.now() - started)}`);

	// A strip of the district, wide enough for about MATCHED of the subscriptions.
	const [south, west, north, east] = DISTRICT;
	const area: [number, number, number, number] = [south, west, north, west + ((east - west) * MATCHED) / SUBSCRIPTIONS];

	// Geo-match alone: the subdivided area against every subscription's places, with the index.
	const matchTimes: number[] = [];
	let matchedCount = 0;
	for (let i = 0; i < 3; i++) {
		started = performance.now();
		const [row] = await asService(db, (tx) =>
			tx.query<{ n: number }>(
				`with parts as (select (extensions.st_dump(extensions.st_subdivide(extensions.st_makeenvelope($2, $1, $4, $3, 4326), 64))).geom)
				 select count(distinct p.subscription_id)::int as n from parts join public.subscription_places p on extensions.st_intersects(p.geom, parts.geom)`,
				area
			)
		);
		matchTimes.push(performance.now() - started);
		matchedCount = row!.n;
	}
	matchTimes.sort((a, b) => a - b);
	console.log(`geo-match over ${SUBSCRIPTIONS.toLocaleString('en')}: ${matchedCount.toLocaleString('en')} inside, median ${s(matchTimes[1]!)} of 3 (target ≤ 1 s)`);

	// Ours: the engine as the server runs it.
	const allow = parseAllowlist(sim.origin);
	const transport = new PushTransport(allow, { ca: sim.cert });
	const vapid = webpush.generateVAPIDKeys();
	const pool = new EncryptPool();
	const engine = await startDelivery({
		db,
		batch: BATCH,
		inFlight: IN_FLIGHT,
		pollMs: 200,
		channels: [pushChannel({ transport, signer: new VapidSigner(vapid, 'mailto:bench@example.cn'), pool, allow, messages: messagesFromDisk })]
	});
	target = matchedCount;
	const rssBefore = process.memoryUsage().rss;
	peakRss = rssBefore;
	t0 = performance.now();
	const warningId = await issueOver(db, area);
	const committed = performance.now() - t0;
	while (sim.accepted < matchedCount) await new Promise((r) => setTimeout(r, 20));
	const oursPeak = peakRss;
	const ours = { first: first - t0, last: last - t0, rate: matchedCount / ((last - t0) / 1000) };
	const [match] = await asService(db, (tx) =>
		tx.query<{ ms: number }>(`select extract(epoch from matched_at - started_at) * 1000 as ms from public.deliveries where warning_id = $1`, [warningId])
	);
	await engine.stop();
	transport.close();
	await pool.close();
	console.log(`\nsafe-miyun engine (HTTP/2, VAPID JWT cached per origin, encryption on ${os.availableParallelism() - 1 || 1} worker thread(s), batches of ${BATCH} × ${IN_FLIGHT} in flight):`);
	console.log(`  ${matchedCount.toLocaleString('en')} accepted; first ${s(ours.first)} after issue (target ≤ 0.3 s), last ${s(ours.last)} (target ≤ 25 s)`);
	console.log(`  (the issuing transaction itself — draft, approval, the area cut into cells, the first cell's recipients queued — took ${s(committed)} of that)`);
	console.log(`  load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
	console.log(`  ${ours.rate.toFixed(0)} messages/s; the engine's own match took ${s(Number(match!.ms))} while sending; peak RSS ${mb(oursPeak)} (from ${mb(rssBefore)}; simulator in the same process)`);
	console.log(`  simulator: VAPID refused ${sim.rejected.vapid}, decrypted ${sim.decrypted} bodies (${((100 * sim.decrypted) / sim.accepted).toFixed(1)}%), ${sim.rejected.decrypt} failed to decrypt`);

	// Baseline: web-push's sendNotification, same recipients, same number in flight.
	// BENCH_BASELINE=0 skips it (minutes on a busy machine; the ratio needs it).
	if (process.env.BENCH_BASELINE !== '0') {
		const recipients = await asService(db, (tx) =>
			tx.query<{ endpoint: string; p256dh: string; auth: string }>(
				`select s.endpoint, s.p256dh, s.auth from public.delivery_queue q join public.subscriptions s on s.id = q.recipient_id where q.warning_id = $1`,
				[warningId]
			)
		);
		const payload = JSON.stringify({ v: 1, title: 'Red rainstorm warning', body: 'Move to safe ground now.', pad: 'x'.repeat(600) });
		const agent = new https.Agent({ keepAlive: true, ca: sim.cert });
		const acceptedBefore = sim.accepted;
		first = 0;
		target = Infinity;
		peakRss = process.memoryUsage().rss;
		t0 = performance.now();
		let next = 0;
		let failures = 0;
		await Promise.all(
			Array.from({ length: BATCH * IN_FLIGHT }, async () => {
				while (next < recipients.length) {
					const r = recipients[next++]!;
					await webpush
						.sendNotification({ endpoint: r.endpoint, keys: { p256dh: r.p256dh, auth: r.auth } }, payload, {
							vapidDetails: { subject: 'mailto:bench@example.cn', publicKey: vapid.publicKey, privateKey: vapid.privateKey },
							TTL: 3600,
							urgency: 'high',
							topic: 'bench',
							agent
						})
						.catch(() => (failures += 1));
				}
			})
		);
		const end = performance.now();
		const accepted = sim.accepted - acceptedBefore;
		const baseline = { first: first - t0, last: end - t0, rate: accepted / ((end - t0) / 1000) };
		agent.destroy();
		console.log(`\nbaseline: web-push sendNotification, ${BATCH * IN_FLIGHT} in flight, keep-alive agent:`);
		console.log(`  ${accepted.toLocaleString('en')} accepted (${failures} failed); first ${s(baseline.first)}, last ${s(baseline.last)}`);
		console.log(`  ${baseline.rate.toFixed(0)} messages/s; peak RSS ${mb(peakRss)}`);
		console.log(`\nratio: ${(ours.rate / baseline.rate).toFixed(2)}× the baseline's throughput (target ≥ 4×)`);
	}
	await sim.close();
} finally {
	clearInterval(sampler);
	await db.close();
	await admin.query(`drop database if exists ${scratch} with (force)`);
	await admin.end();
}
process.exit(0);
