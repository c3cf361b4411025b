/** Hazard points: import validation, the public shape, and the monitor's contact kept to the township's staff and admins (RLS both ways). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { publicMap } from '../map/layers';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import { references } from '.';
import { checkPoints, inArea, listForStaff, writePoints } from './hazard-points';

const fc = (features: { properties: Record<string, unknown>; geometry: unknown }[]) =>
	JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) });
const pt = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });
const GOOD = {
	ref: 'HP-101-1', kind: '滑坡', village_code: '110118101001', households: 4, people: 11, refuge_place: '村委会广场', route: '沿村路向东 300 米',
	monitor_name: '张三', monitor_phone: '13800000001'
};
const FILE = fc([{ properties: GOOD, geometry: pt(116.86, 40.465) }]);

for (const backend of backends()) {
	describe(`hazard points (${backend.name})`, () => {
		let db: Database;
		let admin: Claims, ownStaff: Claims, otherStaff: Claims;
		beforeAll(async () => {
			db = await backend.open();
			admin = await staffClaims(db, 'hp-a@test.cn', 'admin', { departmentCode: 'emergency' });
			ownStaff = await staffClaims(db, 'hp-own@test.cn', 'handler', { townCode: '110118101' });
			otherStaff = await staffClaims(db, 'hp-other@test.cn', 'handler', { townCode: '110118106' });
		});
		afterAll(() => db.close());

		const check = (who: Claims, content: string) => as(db, who, async (tx) => checkPoints(tx, content, 'wgs84', await references(tx)));

		it('names the feature and field of each problem and imports nothing then', async () => {
			const { rows, errors } = await check(
				admin,
				fc([
					{ properties: GOOD, geometry: pt(116.86, 40.465) },
					{ properties: { ...GOOD, ref: 'HP-2', kind: '火山', village_code: '110118106001', town_code: '110118101', people: -1, monitor_phone: 'call me' }, geometry: pt(116.9, 40.4) },
					{ properties: { ...GOOD, ref: 'HP-3' }, geometry: pt(116.397, 39.909) }
				])
			);
			expect(rows).toEqual([]);
			expect(errors).toEqual([
				{ row: 2, column: 'properties.kind', message: 'map.import.unknown_code' },
				{ row: 2, column: 'properties.village_code', message: 'map.import.village_not_in_town' },
				{ row: 2, column: 'properties.people', message: 'map.import.not_a_count' },
				{ row: 2, column: 'properties.monitor_phone', message: 'map.import.bad_phone' }
			]);
			const outside = await check(admin, fc([{ properties: { ...GOOD, ref: 'HP-3' }, geometry: pt(116.397, 39.909) }]));
			expect(outside.errors).toEqual([{ row: 1, column: 'geometry', message: 'map.import.outside_district' }]);
		});

		it('imports a clean file as an admin; its township comes from the village', async () => {
			const { rows, errors } = await check(admin, FILE);
			expect(errors).toEqual([]);
			expect(await as(db, admin, (tx) => writePoints(tx, rows))).toBe(1);
			const [p] = await asService(db, (tx) => tx.query<{ town_code: string; kind: string }>('select town_code, kind from public.hazard_points'));
			expect(p).toEqual({ town_code: '110118101', kind: 'landslide' });
		});

		it('refuses writes by anyone but admins', async () => {
			const { rows } = await check(ownStaff, FILE);
			expect(await sqlState(as(db, ownStaff, (tx) => writePoints(tx, rows)))).toBe('42501');
			expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(`update public.hazard_points set people = 0`)))).toBe('42501');
		});

		it('shows the monitor to the township’s staff and admins only', async () => {
			const seen = async (who: Claims) => (await as(db, who, listForStaff))[0]!;
			expect(await seen(admin)).toMatchObject({ monitor_name: '张三', monitor_phone: '13800000001' });
			expect(await seen(ownStaff)).toMatchObject({ monitor_name: '张三', monitor_phone: '13800000001' });
			expect(await seen(otherStaff)).toMatchObject({ ref: 'HP-101-1', monitor_name: null, monitor_phone: null });
		});

		it('keeps the monitor from anonymous and other staff through direct database access', async () => {
			expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('select * from public.hazard_point_monitors')))).toBe('42501');
			expect(await as(db, otherStaff, (tx) => tx.query('select * from public.hazard_point_monitors'))).toEqual([]);
			expect(await sqlState(as(db, otherStaff, (tx) => tx.query(`update public.hazard_point_monitors set phone = '110'`)))).toBeNull();
			const [m] = await asService(db, (tx) => tx.query<{ phone: string }>('select phone from public.hazard_point_monitors'));
			expect(m!.phone).toBe('13800000001');
			// The public point itself is readable by anyone.
			expect(await as(db, ANON_CLAIMS, (tx) => tx.query('select ref, people from public.hazard_points'))).toEqual([{ ref: 'HP-101-1', people: 11 }]);
		});

		it('puts the point on the public map without personal data', async () => {
			const map = await as(db, ANON_CLAIMS, (tx) => publicMap(tx, null, 'zh-CN'));
			expect(map.hazardPoints).toEqual([{ id: expect.any(String), ref: 'HP-101-1', kind: 'landslide', lat: 40.465, lon: 116.86, people: 11, demo: false }]);
			expect(JSON.stringify(map)).not.toContain('13800000001');
		});

		it('lists the points and people threatened inside an area', async () => {
			const area = JSON.stringify({ type: 'Polygon', coordinates: [[[116.8, 40.4], [116.9, 40.4], [116.9, 40.5], [116.8, 40.5], [116.8, 40.4]]] });
			const found = await as(db, ownStaff, (tx) => inArea(tx, area));
			expect(found).toMatchObject({ households: 4, people: 11, points: [{ ref: 'HP-101-1', monitor_phone: '13800000001' }] });
			const elsewhere = JSON.stringify({ type: 'Polygon', coordinates: [[[117.0, 40.4], [117.1, 40.4], [117.1, 40.5], [117.0, 40.5], [117.0, 40.4]]] });
			expect(await as(db, ownStaff, (tx) => inArea(tx, elsewhere))).toEqual({ points: [], households: 0, people: 0 });
		});
	});
}
