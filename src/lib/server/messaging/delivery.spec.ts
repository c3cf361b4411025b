/**
 * The fan-out on a real database against the push-service simulator: who is matched
 * (inside, outside, on the edge, a multi-polygon, a village by its township, hazard,
 * level, drills, tourists whose subscription ended), what each push service answer
 * does (410 prunes, retries stop at the TTL), Updates and Cancels, and what each
 * role must not see.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryChannelValues } from '$lib/db-types.gen';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends, staffClaims } from '../testing/db';
import * as warnings from '../warnings/store';
import { affected, resolveAreas } from '../warnings/area';
import { rainstorm } from '../warnings/testing/fixtures';
import type { WarningInput } from '../warnings/model';
import { parseAllowlist } from './allowlist';
import { pushChannel } from './push';
import { smsChannel } from './sms';
import { smsCatcher } from './sms/gateway';
import { sendSmsOnce } from './sms/sender';
import { EncryptPool } from './encrypt-pool';
import { startDelivery, type Engine } from './engine';
import { createSubscription, deleteSubscription, parseSubscription, readSubscription, receipt, type SubscriptionInput } from './subscriptions';
import { makeKeys, startSimulator, type Simulator } from './testing/push-simulator';
import { PushTransport } from './transport';
import { VapidSigner } from './vapid';
import webpush from 'web-push';
import { messagesFor } from '../i18n';

/** A square around Miyun's town centre and a second one by the reservoir: a multi-polygon. */
const SQUARE: [number, number][] = [[40.36, 116.8], [40.36, 116.9], [40.42, 116.9], [40.42, 116.8], [40.36, 116.8]];
const SECOND: [number, number][] = [[40.5, 117.0], [40.5, 117.05], [40.55, 117.05], [40.55, 117.0], [40.5, 117.0]];
const XIWENGZHUANG = '110118101';

describe.each(backends())('delivery on $name', (backend) => {
	let db: Database;
	let sim: Simulator;
	let engine: Engine;
	let transport: PushTransport;
	let issuer: Claims, handler: Claims;
	const keys = makeKeys(4);
	const answers = new Map<string, { status: number; retryAfter?: string }>();
	let n = 0;

	beforeAll(async () => {
		db = await backend.open();
		sim = await startSimulator({ keys, sampleRate: 1, answer: (id) => answers.get(id) ?? null });
		const allow = parseAllowlist(sim.origin);
		transport = new PushTransport(allow, { ca: sim.cert });
		engine = await startDelivery({
			db,
			pollMs: 100,
			channels: [
				pushChannel({ transport, signer: new VapidSigner(webpush.generateVAPIDKeys(), 'mailto:ops@example.cn'), pool: new EncryptPool(0), allow, messages: messagesFor }),
				smsChannel(smsCatcher(db), 'https://safe.example.cn', messagesFor)
			]
		});
		issuer = await staffClaims(db, 'issuer@delivery.test', 'warning_issuer');
		handler = await staffClaims(db, 'handler@delivery.test', 'handler');
	}, 60_000);
	afterAll(async () => {
		await engine?.stop();
		transport?.close();
		await sim?.close();
		await db?.close();
	});
	afterEach(() => answers.clear());

	/** A push subscription for these places; returns the simulator's id for it. */
	const subscribe = async (places: SubscriptionInput['places'], extra: Partial<SubscriptionInput> = {}) => {
		const id = `s${++n}`;
		const key = keys[n % keys.length]!;
		const made = await as(db, ANON_CLAIMS, (tx) =>
			createSubscription(tx, {
				channel: 'push',
				push: { endpoint: sim.endpoint(id, n % keys.length), p256dh: key.p256dh, auth: key.auth },
				phone: null,
				places,
				lang: 'en',
				hazards: [],
				minLevel: 'blue',
				exercises: false,
				until: null,
				...extra
			})
		);
		return { simId: id, ...made };
	};
	const issue = async (input: WarningInput, options: warnings.DraftOptions = {}) => {
		const id = await asService(db, async (tx) => {
			const saved = await warnings.saveDraft(tx, input, options);
			if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
			let done = await warnings.submit(tx, saved.id);
			if (done.ok && done.state === 'pending') done = await warnings.approve(tx, saved.id);
			if (!done.ok || done.state !== 'issued') throw new Error(JSON.stringify(done));
			return saved.id;
		});
		engine.kick();
		await engine.drained();
		return id;
	};
	const states = (warningId: string) =>
		asService(db, (tx) =>
			tx.query<{ subscription_id: string; state: string; attempts: number; error: string | null }>(
				'select recipient_id as subscription_id, state, attempts, error from public.delivery_queue where warning_id = $1',
				[warningId]
			)
		);
	const polygonWarning = (overrides: Partial<WarningInput> = {}) =>
		rainstorm({ areas: [{ kind: 'polygon', points: SQUARE }, { kind: 'polygon', points: SECOND }], ...overrides });

	it('reaches places inside the area and on its edge, in either polygon, and no one outside', async () => {
		const inside = await subscribe([{ lat: 40.39, lon: 116.85, label: 'home' }]);
		const edge = await subscribe([{ lat: 40.36, lon: 116.85, label: 'on the southern edge' }]);
		const second = await subscribe([{ lat: 40.52, lon: 117.02, label: 'by the reservoir' }]);
		const outside = await subscribe([{ lat: 40.6, lon: 116.7, label: 'far north-west' }]);
		const twoPlaces = await subscribe([{ lat: 40.38, lon: 116.82, label: 'a' }, { lat: 40.53, lon: 117.03, label: 'b' }]);
		const id = await issue(polygonWarning());
		const rows = await states(id);
		const reached = new Set(rows.map((r) => r.subscription_id));
		for (const s of [inside, edge, second, twoPlaces]) expect(reached.has(s.id)).toBe(true);
		expect(reached.has(outside.id)).toBe(false);
		expect(rows.every((r) => r.state === 'sent')).toBe(true);
		// exactly once each, two places in the area or not
		for (const s of [inside, edge, second, twoPlaces]) expect(sim.counts.get(s.simId)).toBe(1);
		expect(sim.counts.get(outside.simId)).toBeUndefined();
	});

	it('sends what the service worker needs, encrypted for the subscriber, with urgency, TTL and topic', async () => {
		const s = await subscribe([{ lat: 40.39, lon: 116.85, label: 'home' }]);
		const id = await issue(polygonWarning());
		const payload = JSON.parse(sim.payloads.get(s.simId)!);
		const [w] = await asService(db, (tx) => tx.query<{ thread_id: string }>('select thread_id from public.warnings where id = $1', [id]));
		expect(payload).toMatchObject({ v: 1, id: w!.thread_id, w: id, s: s.id, type: 'Alert', level: 'red', lang: 'en', title: 'Red rainstorm warning' });
		expect(payload.url).toBe(`/warnings/${w!.thread_id}?lang=en`);
		expect(payload.area[0][0].length).toBeGreaterThan(3);
		const headers = sim.headers.get(s.simId)!;
		expect(headers.urgency).toBe('high');
		expect(headers.topic).toBe(w!.thread_id.replace(/-/g, ''));
		expect(Number(headers.ttl)).toBeGreaterThan(5 * 3600);
		expect(Number(headers.ttl)).toBeLessThanOrEqual(6 * 3600);
		expect(sim.rejected).toEqual({ vapid: 0, decrypt: 0 });

		// The phone reports back; a second report of the same event counts once.
		expect(await as(db, ANON_CLAIMS, (tx) => receipt(tx, id, s.id, 'skipped'))).toBe(true);
		expect(await as(db, ANON_CLAIMS, (tx) => receipt(tx, id, s.id, 'skipped'))).toBe(true);
		expect(await as(db, ANON_CLAIMS, (tx) => receipt(tx, id, s.id, 'opened'))).toBe(false);
		const [push] = await as(db, issuer, (tx) => tx.query<Record<string, string>>(`select * from app.delivery_stats($1) where channel = 'push'`, [id]));
		// this recipient is the only one to have answered
		expect([push!.delivered, push!.shown, push!.skipped].map(Number)).toEqual([1, 0, 1]);
	});

	it('reaches a village through its township, and only when the area touches that township', async () => {
		const [village] = await as(db, ANON_CLAIMS, (tx) => tx.query<{ code: string }>('select code from public.villages where town_code = $1 limit 1', [XIWENGZHUANG]));
		const s = await subscribe([{ village: village!.code, label: null }]);
		const byTown = await issue(rainstorm({ areas: [{ kind: 'geocode', code: XIWENGZHUANG }] }));
		expect((await states(byTown)).some((r) => r.subscription_id === s.id)).toBe(true);
		const elsewhere = await issue(rainstorm({ areas: [{ kind: 'polygon', points: SECOND }] }));
		expect((await states(elsewhere)).some((r) => r.subscription_id === s.id)).toBe(false);
	});

	it('does not text a village in 溪翁庄镇 a warning for neighbouring 不老屯镇 (a shared border is not "touched")', async () => {
		const BULAOTUN = '110118109';
		const [shared] = await asService(db, (tx) =>
			tx.query<{ border: boolean }>(
				`select extensions.st_intersects(a.area, b.area) as border from public.town_areas a, public.town_areas b where a.code = $1 and b.code = $2`,
				[XIWENGZHUANG, BULAOTUN]
			)
		);
		// the case only means something if the two approximate areas do meet
		expect(shared!.border).toBe(true);
		const villageIn = async (town: string) => {
			const [v] = await as(db, ANON_CLAIMS, (tx) => tx.query<{ code: string }>('select code from public.villages where town_code = $1 order by code limit 1', [town]));
			return subscribe([{ village: v!.code, label: null }]);
		};
		const xiwengzhuang = await villageIn(XIWENGZHUANG);
		const bulaotun = await villageIn(BULAOTUN);
		const gale = rainstorm({ hazard: 'gale', level: 'blue', areas: [{ kind: 'geocode', code: BULAOTUN }] });
		const reached = new Set((await states(await issue(gale))).map((r) => r.subscription_id));
		expect(reached.has(bulaotun.id)).toBe(true);
		expect(reached.has(xiwengzhuang.id)).toBe(false);
		// the console's preview counts by the same rule, and the warning page names the same townships
		const area = await asService(db, async (tx) => {
			const resolved = await resolveAreas(tx, gale.areas);
			return 'geojson' in resolved ? resolved : null;
		});
		expect(area!.named.map((t) => t.code)).toEqual([BULAOTUN]);
		expect((await asService(db, (tx) => affected(tx, area!.geojson))).towns.map((t) => t.code)).toEqual([BULAOTUN]);
		const before = await as(db, issuer, (tx) => tx.query<{ channel: string; subscriptions: number }>(`select * from app.delivery_reach($1, 'gale', 'blue', 'Actual')`, [area!.geojson]));
		await asService(db, (tx) => tx.query('delete from public.subscriptions where id = $1', [xiwengzhuang.id]));
		const after = await as(db, issuer, (tx) => tx.query<{ channel: string; subscriptions: number }>(`select * from app.delivery_reach($1, 'gale', 'blue', 'Actual')`, [area!.geojson]));
		expect(after).toEqual(before);
	});

	it('gives an English subscriber of a Chinese-only warning an English summary with the townships it touches', async () => {
		const tourist = await subscribe([{ lat: 40.39, lon: 116.85, label: null }]);
		await issue(polygonWarning({ level: 'orange', infos: rainstorm().infos.filter((i) => i.lang === 'zh-CN') }));
		const payload = JSON.parse(sim.payloads.get(tourist.simId)!);
		expect(payload.title).toBe('Orange warning: Rainstorm');
		// township names in English (from the reference data), times in Beijing time
		expect(payload.body).toMatch(/^Area: [A-Z][A-Za-z ]+(, [A-Z][A-Za-z ]+)*\. From .+ until .+ \(Beijing time\)\./);
		expect(payload.body).toContain('Original text: ');
	});

	it('respects hazards, the lowest level, drills and a tourist subscription that has ended', async () => {
		const home = [{ lat: 40.39, lon: 116.85, label: null }];
		const quakeOnly = await subscribe(home, { hazards: ['earthquake'] });
		const redOnly = await subscribe(home, { minLevel: 'red' });
		const drills = await subscribe(home, { exercises: true });
		const plain = await subscribe(home);
		const tourist = await subscribe(home, { until: new Date(Date.now() + 3600_000) });
		await asService(db, (tx) => tx.query(`update public.subscriptions set until = now() - interval '1 minute' where id = $1`, [tourist.id]));

		const yellow = new Set((await states(await issue(polygonWarning({ level: 'yellow' })))).map((r) => r.subscription_id));
		expect(yellow.has(plain.id) && yellow.has(drills.id)).toBe(true);
		expect(yellow.has(quakeOnly.id) || yellow.has(redOnly.id) || yellow.has(tourist.id)).toBe(false);

		const exercise = new Set((await states(await issue(polygonWarning({ status: 'Exercise', level: 'blue' })))).map((r) => r.subscription_id));
		expect([...exercise]).toContain(drills.id);
		expect(exercise.has(plain.id)).toBe(false);

		const test = await issue(polygonWarning({ status: 'Test', level: 'blue' }));
		expect(await states(test)).toHaveLength(0);

		// the upkeep deletes the ended subscription itself
		await asService(db, (tx) => tx.query(`delete from public.subscriptions where until < now()`));
		expect(await as(db, ANON_CLAIMS, (tx) => readSubscription(tx, tourist.id, tourist.secret))).toBeNull();
	});

	it('deletes a subscription the push service says is gone (404, 410)', async () => {
		const gone = await subscribe([{ lat: 40.39, lon: 116.85, label: null }]);
		const missing = await subscribe([{ lat: 40.39, lon: 116.85, label: null }]);
		answers.set(gone.simId, { status: 410 });
		answers.set(missing.simId, { status: 404 });
		const id = await issue(polygonWarning());
		const rows = await states(id);
		expect(rows.find((r) => r.subscription_id === gone.id)?.state).toBe('gone');
		expect(rows.find((r) => r.subscription_id === missing.id)?.state).toBe('gone');
		const left = await asService(db, (tx) => tx.query('select id from public.subscriptions where id = any($1::uuid[])', [[gone.id, missing.id]]));
		expect(left).toHaveLength(0);
	});

	it('retries a busy push service later, and never after the TTL', async () => {
		const busy = await subscribe([{ lat: 40.39, lon: 116.85, label: null }]);
		const slow = await subscribe([{ lat: 40.39, lon: 116.85, label: null }]);
		answers.set(busy.simId, { status: 429, retryAfter: String(3 * 3600) });
		answers.set(slow.simId, { status: 429, retryAfter: '120' });
		// An earthquake warning lives 2 minutes on the push path: a retry in 3 hours is pointless.
		const quake = await issue(polygonWarning({ hazard: 'earthquake' }));
		const rows = await states(quake);
		expect(rows.find((r) => r.subscription_id === busy.id)?.state).toBe('expired');
		const [queued] = await asService(db, (tx) =>
			tx.query<{ state: string; wait: number }>(
				`select state, extract(epoch from next_at - now())::int as wait from public.delivery_queue where warning_id = $1 and recipient_id = $2`,
				[quake, slow.id]
			)
		);
		// 120 s would be at or past the 2-minute TTL: expired too
		expect(queued!.state).toBe('expired');
		const later = await issue(polygonWarning());
		const [retry] = await asService(db, (tx) =>
			tx.query<{ state: string; wait: number }>(
				`select state, extract(epoch from next_at - now())::int as wait from public.delivery_queue where warning_id = $1 and recipient_id = $2`,
				[later, slow.id]
			)
		);
		expect(retry!.state).toBe('queued');
		expect(retry!.wait).toBeGreaterThan(100);
	});

	it('sends an Update to everyone the original reached, and a Cancel only to them', async () => {
		const inArea = await subscribe([{ lat: 40.39, lon: 116.85, label: null }]);
		const original = await issue(rainstorm({ areas: [{ kind: 'polygon', points: SQUARE }] }));
		const update = await issue(rainstorm({ level: 'orange', areas: [{ kind: 'polygon', points: SECOND }] }), { referencesId: original, msgType: 'Update' });
		expect((await states(update)).some((r) => r.subscription_id === inArea.id && r.state === 'sent')).toBe(true);
		const newcomer = await subscribe([{ lat: 40.52, lon: 117.02, label: null }]);
		const cancel = await issue(rainstorm({ areas: [{ kind: 'polygon', points: SECOND }] }), { referencesId: update, msgType: 'Cancel' });
		const reached = new Set((await states(cancel)).map((r) => r.subscription_id));
		expect(reached.has(inArea.id)).toBe(true);
		expect(reached.has(newcomer.id)).toBe(false);
		const payload = JSON.parse(sim.payloads.get(inArea.simId)!);
		expect(payload.type).toBe('Cancel');
	});

	it('texts SMS subscribers once confirmed, in one message with a short link', async () => {
		const made = await as(db, ANON_CLAIMS, (tx) =>
			createSubscription(tx, { channel: 'sms', push: null, phone: '13800138000', places: [{ lat: 40.39, lon: 116.85, label: null }], lang: 'zh-CN', hazards: [], minLevel: 'blue', exercises: false, until: null })
		);
		const before = await issue(polygonWarning());
		expect((await states(before)).some((r) => r.subscription_id === made.id)).toBe(false);
		await asService(db, (tx) => tx.query('update public.subscriptions set confirmed = true where id = $1', [made.id]));
		const after = await issue(polygonWarning());
		expect((await states(after)).find((r) => r.subscription_id === made.id)?.state).toBe('sent');
		// kept without a gateway as the warning's template, rendered when a gateway sends it
		const [kept] = await asService(db, (tx) =>
			tx.query<{ template: string; params: object }>(`select template, params from public.delivery_queue where address = '13800138000' and template is not null order by id desc limit 1`)
		);
		expect(kept).toMatchObject({ template: 'warning', params: { lang: 'zh-CN' } });
		const texts: { to: string; text: string }[] = [];
		while ((await sendSmsOnce(db, { deliver: async (to, text) => void texts.push({ to, text }) }, messagesFor, 'https://safe.example.cn')) > 0);
		const text = texts.filter((t) => t.to === '13800138000').at(-1)!.text;
		expect(text).toMatch(/https:\/\/safe\.example\.cn\/w\/[0-9a-f]{8}$/);
		expect(text.length).toBeLessThanOrEqual(140);
	});

	it('lets the owner read and delete everything, and no one else see subscriptions', async () => {
		const s = await subscribe([{ lat: 40.391234, lon: 116.854321, label: 'home' }]);
		const mine = await as(db, ANON_CLAIMS, (tx) => readSubscription(tx, s.id, s.secret));
		// stored rounded to about 100 m
		expect(mine).toMatchObject({ id: s.id, channel: 'push', places: [{ label: 'home', lat: 40.391, lon: 116.854 }] });
		expect(await as(db, ANON_CLAIMS, (tx) => readSubscription(tx, s.id, 'not the secret'))).toBeNull();
		for (const who of [ANON_CLAIMS, issuer, handler]) {
			const rows = await as(db, who, (tx) => tx.query('select * from public.subscriptions').catch(() => []));
			expect(rows).toHaveLength(0);
			const places = await as(db, who, (tx) => tx.query('select * from public.subscription_places').catch(() => []));
			expect(places).toHaveLength(0);
		}
		// statistics: issuers yes, handlers and the public no
		const [any] = await asService(db, (tx) => tx.query<{ warning_id: string }>('select warning_id from public.deliveries limit 1'));
		expect(await as(db, issuer, (tx) => tx.query('select * from app.delivery_stats($1)', [any!.warning_id]))).toHaveLength(DeliveryChannelValues.length);
		expect(await as(db, handler, (tx) => tx.query('select * from app.delivery_stats($1)', [any!.warning_id]))).toHaveLength(0);
		await expect(as(db, ANON_CLAIMS, (tx) => tx.query('select * from app.delivery_stats($1)', [any!.warning_id]))).rejects.toThrow();
		expect(await as(db, handler, (tx) => tx.query('select * from public.delivery_queue'))).toHaveLength(0);
		// one step deletes it all
		expect(await as(db, ANON_CLAIMS, (tx) => deleteSubscription(tx, s.id, 'not the secret'))).toBe(false);
		expect(await as(db, ANON_CLAIMS, (tx) => deleteSubscription(tx, s.id, s.secret))).toBe(true);
		const left = await asService(db, (tx) => tx.query('select 1 from public.delivery_queue where recipient_id = $1', [s.id]));
		expect(left).toHaveLength(0);
	});

	it('refuses places outside the district and endpoints that are not push services', async () => {
		await expect(
			as(db, ANON_CLAIMS, (tx) =>
				createSubscription(tx, { channel: 'push', push: { endpoint: sim.endpoint('x', 0), p256dh: keys[0]!.p256dh, auth: keys[0]!.auth }, phone: null, places: [{ lat: 31.23, lon: 121.47, label: 'Shanghai' }], lang: 'en', hazards: [], minLevel: 'blue', exercises: false, until: null })
			)
		).rejects.toThrow(/outside Miyun District/);
		const parsed = parseSubscription(
			{ push: { endpoint: 'https://127.0.0.1:9/x', keys: { p256dh: keys[0]!.p256dh, auth: keys[0]!.auth } }, places: [{ lat: 40.4, lon: 116.8 }] },
			parseAllowlist(undefined)
		);
		expect(parsed).toEqual({ errors: { 'push.endpoint': 'must name a push service, not an address' } });
	});
});
