/**
 * Delivery reach (app.delivery_reach) on a real database: who a warning being composed
 * would reach, by the fan-out's own rules, and who may not ask.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { confirmSubscription, createSubscription, type SubscriptionInput } from '../messaging/subscriptions';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import { deliveryReach, deliveryStats } from './stats';

// A square around Miyun's town centre, as GeoJSON ([lon, lat])
const SQUARE = JSON.stringify({ type: 'Polygon', coordinates: [[[116.8, 40.36], [116.9, 40.36], [116.9, 40.42], [116.8, 40.42], [116.8, 40.36]]] });
const XIWENGZHUANG_VILLAGE = '110118101201';

describe.each(backends())('delivery reach on $name', (backend) => {
	let db: Database;
	let issuer: Claims, admin: Claims, handler: Claims;
	let n = 0;

	const subscribe = async (places: SubscriptionInput['places'], extra: Partial<SubscriptionInput> = {}) => {
		n += 1;
		const input: SubscriptionInput = {
			channel: 'push',
			push: { endpoint: `https://push.example.cn/s/${n}`, p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) },
			phone: null,
			places,
			lang: 'zh-CN',
			hazards: [],
			minLevel: 'blue',
			exercises: false,
			until: null,
			...extra
		};
		return as(db, ANON_CLAIMS, (tx) => createSubscription(tx, input));
	};
	const reach = (claims: Claims, w: Partial<Parameters<typeof deliveryReach>[1]> = {}) =>
		as(db, claims, (tx) => deliveryReach(tx, { geojson: SQUARE, hazard: 'rainstorm', level: 'yellow', status: 'Actual', ...w }));

	beforeAll(async () => {
		db = await backend.open();
		issuer = await staffClaims(db, 'issuer@reach.test', 'warning_issuer');
		admin = await staffClaims(db, 'admin@reach.test', 'admin');
		handler = await staffClaims(db, 'handler@reach.test', 'handler');

		await subscribe([{ lat: 40.39, lon: 116.85, label: 'inside' }]);
		await subscribe([{ lat: 40.6, lon: 116.7, label: 'outside' }]);
		await subscribe([{ lat: 40.38, lon: 116.82, label: 'inside, floods only' }], { hazards: ['flood'] });
		await subscribe([{ lat: 40.38, lon: 116.83, label: 'inside, red only' }], { minLevel: 'red' });
		await subscribe([{ lat: 40.38, lon: 116.84, label: 'inside, drills too' }], { exercises: true });
		// a village is reached through its township's (approximate) area
		await subscribe([{ village: XIWENGZHUANG_VILLAGE, label: 'home' }]);
		const sms = { channel: 'sms' as const, push: null };
		const confirmed = await subscribe([{ lat: 40.39, lon: 116.86, label: 'grandma' }], { ...sms, phone: '13800000001' });
		await as(db, ANON_CLAIMS, (tx) => confirmSubscription(tx, confirmed.id, confirmed.secret, confirmed.code!));
		await subscribe([{ lat: 40.39, lon: 116.87, label: 'never confirmed' }], { ...sms, phone: '13800000002' });
		// a WeChat follower who subscribed through the Official Account
		await asService(db, (tx) => tx.query(`select * from app.wechat_subscribe('oReachFollower01', '{"lat":40.39,"lon":116.85,"label":"inside"}', 'zh-CN')`));
	}, 120_000);
	afterAll(async () => {
		await db?.close();
	});

	it('counts the subscriptions the fan-out would match, per channel', async () => {
		const touchesVillage = (await asService(db, (tx) =>
			tx.query<{ ok: boolean }>(
				`select extensions.st_intersects(a.area, extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326)) as ok
				   from public.town_areas a where a.code = '110118101'`,
				[SQUARE]
			)
		))[0]!.ok;
		// inside, inside+drills (an Actual warning still reaches it), the village if its township touches, one confirmed SMS, one WeChat follower
		expect(await reach(issuer)).toEqual({ push: 2 + (touchesVillage ? 1 : 0), sms: 1, wechat: 1 });
		expect((await reach(issuer, { hazard: 'flood' })).push).toBe(3 + (touchesVillage ? 1 : 0));
		expect((await reach(issuer, { level: 'red' })).push).toBe(3 + (touchesVillage ? 1 : 0));
		expect(await reach(admin, { status: 'Exercise' })).toEqual({ push: 1, sms: 0, wechat: 0 });
		expect(await reach(admin, { status: 'Test' })).toEqual({ push: 0, sms: 0, wechat: 0 });
	});

	it('reaches a village subscription when the area covers its township', async () => {
		const town = (await asService(db, (tx) =>
			tx.query<{ g: string }>(`select extensions.st_asgeojson(area) as g from public.town_areas where code = '110118101'`)
		))[0]!.g;
		expect((await reach(issuer, { geojson: town })).push).toBeGreaterThanOrEqual(1);
	});

	it('answers warning issuers and admins only', async () => {
		expect(await sqlState(reach(handler))).toBe('42501');
		expect(await sqlState(reach(ANON_CLAIMS))).toBe('42501');
		expect(await sqlState(reach({ role: 'authenticated', sub: '00000000-0000-4000-8000-000000000000', email: 'nobody@x.test' }))).toBe('42501');
	});

	it('shows no fan-out counts for a message that was never sent', async () => {
		expect(await as(db, issuer, (tx) => deliveryStats(tx, '00000000-0000-4000-8000-000000000000'))).toEqual([]);
	});
});
