/**
 * A village in a township that has no area yet (no sourced seat, no imported boundary:
 * 8 of the 22 units) is matched by the whole district until its boundary is imported, so its
 * subscribers are over-informed rather than never informed; after the import, by the
 * township's real boundary. Checked in the reach the compose form shows and in the fan-out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { deliveryReach } from '../messaging/stats';
import { matchStep } from '../messaging/queue';
import { createSubscription } from '../messaging/subscriptions';
import { issueOver } from '../messaging/testing/fanout-fixture';
import { addStaff } from '../staff';
import { as, backends } from '../testing/db';
import { forgetDistrict } from '../district';
import { check, references, write } from '.';
import { districtWideNotes, districtWideTowns } from './district-wide';

const GUOYUAN = '110118002'; // 果园街道: no sourced seat
const VILLAGE = '110118002004'; // 果园西里社区
const CENTRE = [116.84, 40.38] as const;
/** [south, west, north, east] */
type Box = [number, number, number, number];
const box = (lon: number, lat: number, half: number): Box => [lat - half, lon - half, lat + half, lon + half];
const geojson = ([s, w, n, e]: Box) => JSON.stringify({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
// By the reservoir, ~25 km from 果园: no township area of 果园 could reach it.
const FAR = box(117.02, 40.52, 0.02);
const INSIDE = box(CENTRE[0], CENTRE[1], 0.005);

describe.each(backends())('villages of townships without an area on $name', (backend) => {
	let db: Database;
	let admin: Claims;
	let subscription: string;
	const reach = (area: Box) =>
		as(db, admin, (tx) => deliveryReach(tx, { geojson: geojson(area), hazard: 'rainstorm', level: 'red', status: 'Actual' })).then((r) => r.push);
	/** Issues a warning over the box, runs the whole match, and says whether the subscription was queued. */
	const fannedOut = async (area: Box) => {
		const warning = await issueOver(db, area);
		while (await asService(db, matchStep));
		const rows = await asService(db, (tx) =>
			tx.query("select 1 from public.delivery_queue where warning_id = $1 and recipient_kind = 'subscription' and recipient_id = $2", [warning, subscription])
		);
		return rows.length === 1;
	};

	beforeAll(async () => {
		db = await backend.open();
		forgetDistrict();
		admin = { role: 'authenticated', sub: (await addStaff(db, { email: 'ut@test.cn', password: 'correct horse battery', role: 'admin', departmentCode: 'emergency' })).userId };
		subscription = (
			await as(db, ANON_CLAIMS, (tx) =>
				createSubscription(tx, {
					channel: 'push', push: { endpoint: 'https://push.example.cn/s/ut', p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) }, phone: null,
					places: [{ village: VILLAGE, label: 'home' }], lang: 'zh-CN', hazards: [], minLevel: 'blue', exercises: false, until: null
				})
			)
		).id;
	}, 120_000);
	afterAll(() => db?.close());

	// The seven townships of issue 16, and the science park's area (its three communities were as unreachable).
	it('lists the township-level units without an area, for pages and the API to name', async () => {
		const towns = await as(db, ANON_CLAIMS, (tx) => districtWideTowns(tx));
		expect(towns.sort()).toEqual(['110118002', '110118003', '110118100', '110118102', '110118104', '110118108', '110118113', '110118400']);
		// One concept: the same townships as the matcher's view treats district-wide.
		const matcher = await as(db, ANON_CLAIMS, (tx) =>
			tx.query<{ town_code: string }>('select distinct town_code from public.village_areas where district_wide order by town_code')
		);
		expect(matcher.map((r) => r.town_code)).toEqual(towns.sort());
	});

	it('names the village places matched district-wide, in both languages', async () => {
		const notes = await as(db, ANON_CLAIMS, (tx) =>
			districtWideNotes(tx, [{ lat: 40.4, lon: 116.9, label: null }, { village: '110118101201', label: null }, { village: VILLAGE, label: null }])
		);
		expect(notes).toEqual([{ field: 'places[2]', code: 'district_wide', town: GUOYUAN, message: { 'zh-CN': expect.stringContaining('果园街道'), en: expect.stringContaining('Guoyuan Subdistrict') } }]);
		expect(notes[0]!.message.en).toMatch(/every warning for Miyun District/);
	});

	it('until the boundary is imported, matches the village by any warning that touches the district', async () => {
		expect(await reach(FAR)).toBe(1);
		expect(await fannedOut(FAR)).toBe(true);
	});

	it('once the boundary is imported, matches the village by its township only', async () => {
		const file = JSON.stringify({
			type: 'FeatureCollection',
			features: [{ type: 'Feature', properties: { code: GUOYUAN, source: 'test survey' }, geometry: JSON.parse(geojson(box(CENTRE[0], CENTRE[1], 0.02))) }]
		});
		await as(db, admin, async (tx) => {
			const checked = await check(tx, 'towns', file, 'wgs84', await references(tx));
			expect(checked.errors).toEqual([]);
			await write(tx, 'towns', checked.features);
		});
		// The import route forgets the district module's copy; so does this test, as that route would.
		forgetDistrict();
		expect(await as(db, ANON_CLAIMS, (tx) => districtWideTowns(tx))).not.toContain(GUOYUAN);
		expect(await reach(FAR)).toBe(0);
		expect(await fannedOut(FAR)).toBe(false);
		expect(await reach(INSIDE)).toBe(1);
		expect(await fannedOut(INSIDE)).toBe(true);
	});
});
