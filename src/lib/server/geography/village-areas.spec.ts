/**
 * A village with an imported point is matched by that point buffered by 1,500 m, not by
 * its township's whole area (public.village_areas), in the reach the compose form shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { deliveryReach } from '../messaging/stats';
import { createSubscription } from '../messaging/subscriptions';
import { addStaff } from '../staff';
import { as, backends } from '../testing/db';
import { write, check, references } from '.';

const VILLAGE = '110118101201'; // a village of 溪翁庄镇
const POINT = [116.8633, 40.4646] as const;
const circle = (lon: number, lat: number, km: number) => {
	const ring: [number, number][] = [];
	for (let i = 0; i <= 32; i++) {
		const a = (i / 32) * 2 * Math.PI;
		ring.push([lon + (km / 85) * Math.cos(a), lat + (km / 111) * Math.sin(a)]);
	}
	return JSON.stringify({ type: 'Polygon', coordinates: [ring] });
};

describe.each(backends())('village areas on $name', (backend) => {
	let db: Database;
	let admin: Claims;
	const reach = (geojson: string) =>
		as(db, admin, (tx) => deliveryReach(tx, { geojson, hazard: 'rainstorm', level: 'yellow', status: 'Actual' })).then((r) => r.push);

	beforeAll(async () => {
		db = await backend.open();
		admin = { role: 'authenticated', sub: (await addStaff(db, { email: 'va@test.cn', password: 'correct horse battery', role: 'admin', departmentCode: 'emergency' })).userId };
		await as(db, ANON_CLAIMS, (tx) =>
			createSubscription(tx, {
				channel: 'push', push: { endpoint: 'https://push.example.cn/s/va', p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) }, phone: null,
				places: [{ village: VILLAGE, label: 'home' }], lang: 'zh-CN', hazards: [], minLevel: 'blue', exercises: false, until: null
			})
		);
	}, 120_000);
	afterAll(() => db?.close());

	// Inside 溪翁庄镇's area but ~4 km from the village's point.
	const farInTown = circle(POINT[0], POINT[1] - 0.04, 0.5);
	const nearPoint = circle(POINT[0] + 0.01, POINT[1], 0.5); // ~850 m east: within 1,500 m

	it('without a village place, matches the village through its township', async () => {
		const [inTown] = await as(db, admin, (tx) =>
			tx.query<{ ok: boolean }>(`select extensions.st_intersects(area, extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326)) as ok from public.town_areas where code = '110118101'`, [farInTown])
		);
		expect(inTown!.ok).toBe(true);
		expect(await reach(farInTown)).toBe(1);
	});

	it('with an imported point, matches the point buffered by 1,500 m and no longer the whole township', async () => {
		const file = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: VILLAGE }, geometry: { type: 'Point', coordinates: POINT } }] });
		await as(db, admin, async (tx) => {
			const checked = await check(tx, 'villages', file, 'wgs84', await references(tx));
			expect(checked.errors).toEqual([]);
			await write(tx, 'villages', checked.features);
		});
		expect(await reach(nearPoint)).toBe(1);
		expect(await reach(farInTown)).toBe(0);
		expect(await reach(circle(POINT[0] + 0.025, POINT[1], 0.3))).toBe(0); // ~2.1 km east: outside the buffer
	});
});
