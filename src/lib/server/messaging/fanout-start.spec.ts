/**
 * The start of a fan-out inside the issuing transaction (app.delivery_start): the area
 * is cut into cells without JIT compilation (PostGIS's st_squaregrid is estimated at a
 * million rows, which made PostgreSQL compile the cut with LLVM first — 0.1–0.3 s of a
 * transaction whose work takes 20 ms), and the first cell's recipients are queued before
 * the warning commits, so the senders claim them on the NOTIFY; the engine matches from
 * the second cell on, and nobody is sent to twice. (How long it takes is for
 * `npm run bench:fanout`.)
 */
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { messagesFor } from '../i18n';
import { backends } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import { parseAllowlist } from './allowlist';
import { EncryptPool } from './encrypt-pool';
import { startDelivery } from './engine';
import { pushChannel } from './push';
import { seedSubscriptions } from './testing/fanout-fixture';
import { makeKeys, startSimulator, type Simulator } from './testing/push-simulator';
import { PushTransport } from './transport';
import { VapidSigner } from './vapid';

// 0.15° × 0.15° on the 0.03° grid: 25–36 cells; 600 subscribers spread over it
const BOX: [number, number, number, number] = [40.3, 116.8, 40.45, 116.95];
const SUBSCRIBERS = 600;

describe.each(backends())('the start of a fan-out on $name', (backend) => {
	let db: Database;
	let sim: Simulator;
	const keys = makeKeys(4);
	beforeAll(async () => {
		db = await backend.open();
		sim = await startSimulator({ keys, sampleRate: 0.05 });
		await seedSubscriptions(db, { count: SUBSCRIBERS, origin: sim.origin, keys, prefix: 'f', box: BOX });
	}, 60_000);
	afterAll(async () => {
		await sim?.close();
		await db?.close();
	});

	it('runs the trigger without JIT, and keeps its search_path', async () => {
		const [fn] = await db.query<{ config: string[] | null }>(
			`select p.proconfig as config from pg_proc p join pg_namespace n on n.oid = p.pronamespace
			  where n.nspname = 'app' and p.proname = 'delivery_start'`
		);
		expect(fn!.config).toContain('jit=off');
		expect(fn!.config).toContain('search_path=""');
	});

	it('queues the first cell in the issuing transaction; the engine sends the rest, each once', async () => {
		const [s, w, n, e] = BOX;
		const seen = await asService(db, async (tx) => {
			const saved = await warnings.saveDraft(tx, rainstorm({ areas: [{ kind: 'polygon', points: [[s, w], [s, e], [n, e], [n, w], [s, w]] }] }));
			if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
			let step = await warnings.submit(tx, saved.id);
			if (step.ok && step.state === 'pending') step = await warnings.approve(tx, saved.id);
			expect(step).toEqual({ ok: true, state: 'issued' });
			// still inside the issuing transaction
			const [row] = await tx.query<{ parts: number; next_step: number; queued: number; in_first: number }>(
				`select d.parts, d.next_step,
				        (select count(*)::int from public.delivery_queue q where q.warning_id = d.warning_id) as queued,
				        (select count(distinct p.subscription_id)::int from public.subscription_places p
				           join public.delivery_area_parts a on a.warning_id = d.warning_id and a.n = 0
				          where extensions.st_intersects(p.geom, a.geom)) as in_first
				   from public.deliveries d where d.warning_id = $1`,
				[saved.id]
			);
			return { id: saved.id, ...row! };
		});
		expect(seen.parts).toBeGreaterThanOrEqual(25);
		expect(seen.parts).toBeLessThanOrEqual(36);
		expect(seen.next_step).toBe(1);
		expect(seen.in_first).toBeGreaterThan(0);
		expect(seen.queued).toBe(seen.in_first);

		const allow = parseAllowlist(sim.origin);
		const transport = new PushTransport(allow, { ca: sim.cert });
		const pool = new EncryptPool(0);
		const engine = await startDelivery({
			db,
			pollMs: 100,
			channels: [pushChannel({ transport, signer: new VapidSigner(webpush.generateVAPIDKeys(), 'mailto:ops@example.cn'), pool, allow, messages: messagesFor })]
		});
		try {
			engine.kick();
			await engine.drained();
		} finally {
			await engine.stop();
			transport.close();
		}
		const [inside] = await asService(db, (tx) =>
			tx.query<{ n: number }>(
				`select count(distinct p.subscription_id)::int as n from public.subscription_places p
				  where extensions.st_intersects(p.geom, extensions.st_makeenvelope($2, $1, $4, $3, 4326))`,
				BOX
			)
		);
		const [states] = await asService(db, (tx) =>
			tx.query<{ sent: number; all: number }>(
				`select count(*) filter (where state = 'sent')::int as sent, count(*)::int as "all" from public.delivery_queue where warning_id = $1`,
				[seen.id]
			)
		);
		expect(inside!.n).toBeGreaterThan(SUBSCRIBERS * 0.9);
		expect(states).toEqual({ sent: inside!.n, all: inside!.n });
		expect(sim.accepted).toBe(inside!.n);
		expect([...sim.counts.values()].every((c) => c === 1)).toBe(true);
		expect(sim.counts.size).toBe(inside!.n);
		expect(sim.rejected).toEqual({ vapid: 0, decrypt: 0 });
	});
});
