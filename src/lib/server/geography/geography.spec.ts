/** Geography import: validation naming feature and field, CRS conversion, all or nothing, and real township areas replacing the Voronoi cells. */
import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { addStaff } from '../staff';
import { as, backends, sqlState } from '../testing/db';
import { resolveAreas } from '../warnings/area';
import { check, exportLayer, references, write, type GeoLayer } from '.';

type Layer = Exclude<GeoLayer, 'hazard_points'>;
const square = (lon: number, lat: number, half: number) => ({
	type: 'Polygon',
	coordinates: [[[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half], [lon - half, lat - half]]]
});
const fc = (features: { properties: Record<string, unknown>; geometry: unknown }[], extra: Record<string, unknown> = {}) =>
	JSON.stringify({ type: 'FeatureCollection', ...extra, features: features.map((f) => ({ type: 'Feature', ...f })) });
// 西田各庄镇 has no sourced seat, so today it has no area at all.
const TOWN = '110118102';
const CENTRE = [116.8, 40.42] as const;
const TOWN_FILE = fc([{ properties: { code: TOWN, source: 'test survey' }, geometry: square(CENTRE[0], CENTRE[1], 0.02) }]);

for (const backend of backends()) {
	describe(`geography import (${backend.name})`, () => {
		let db: Database;
		let admin: Claims, staff: Claims;
		beforeAll(async () => {
			db = await backend.open();
			admin = { role: 'authenticated', sub: (await addStaff(db, { email: 'geo-a@test.cn', password: 'correct horse battery', role: 'admin', departmentCode: 'emergency' })).userId };
			staff = { role: 'authenticated', sub: (await addStaff(db, { email: 'geo-t@test.cn', password: 'correct horse battery', role: 'handler', townCode: '110118101' })).userId };
		});
		afterAll(() => db.close());

		const checkAs = (who: Claims, layer: Layer, content: string, crs: 'wgs84' | 'gcj02' | 'bd09' = 'wgs84') =>
			as(db, who, async (tx) => check(tx, layer, content, crs, await references(tx)));
		const importAs = (who: Claims, layer: Layer, content: string, crs: 'wgs84' | 'gcj02' | 'bd09' = 'wgs84') =>
			as(db, who, async (tx) => {
				const checked = await check(tx, layer, content, crs, await references(tx));
				if (checked.errors.length) return checked.errors;
				return write(tx, layer, checked.features);
			});

		it('refuses a CRS it cannot convert, and projected coordinates, naming where', async () => {
			const mercator = fc([{ properties: { code: TOWN }, geometry: square(CENTRE[0], CENTRE[1], 0.02) }], { crs: { type: 'name', properties: { name: 'EPSG:3857' } } });
			expect((await checkAs(admin, 'towns', mercator)).errors).toEqual([{ row: 0, column: 'crs', message: 'map.import.unknown_crs' }]);
			const metres = fc([{ properties: { code: TOWN }, geometry: square(12_990_000, 4_930_000, 2000) }]);
			expect((await checkAs(admin, 'towns', metres)).errors).toEqual([{ row: 1, column: 'geometry.coordinates', message: 'map.import.not_degrees' }]);
			const inherited = fc([{ properties: { code: TOWN }, geometry: square(CENTRE[0], CENTRE[1], 0.02) }], { crs: { type: 'name', properties: { name: 'constructor' } } });
			expect((await checkAs(admin, 'towns', inherited)).errors).toEqual([{ row: 0, column: 'crs', message: 'map.import.unknown_crs' }]);
			const perFeature = fc([{ properties: { code: TOWN, crs: 'cgcs2000-gk' }, geometry: square(CENTRE[0], CENTRE[1], 0.02) }]);
			expect((await checkAs(admin, 'towns', perFeature)).errors).toEqual([{ row: 1, column: 'properties.crs', message: 'map.import.unknown_crs' }]);
		});

		it('refuses codes that are not the district’s, naming the feature and field', async () => {
			const file = fc([
				{ properties: { code: TOWN }, geometry: square(CENTRE[0], CENTRE[1], 0.02) },
				{ properties: { code: '110119101' }, geometry: square(116.9, 40.5, 0.01) },
				{ properties: { code: '110118199' }, geometry: square(116.9, 40.5, 0.01) },
				{ properties: {}, geometry: square(116.9, 40.5, 0.01) }
			]);
			const { features, errors } = await checkAs(admin, 'towns', file);
			expect(features).toEqual([]);
			expect(errors).toEqual([
				{ row: 2, column: 'properties.code', message: 'map.import.bad_code' },
				{ row: 3, column: 'properties.code', message: 'map.import.unknown_code' },
				{ row: 4, column: 'properties.code', message: 'map.import.required' }
			]);
			const villages = fc([{ properties: { code: '110118101999' }, geometry: { type: 'Point', coordinates: [116.86, 40.46] } }]);
			expect((await checkAs(admin, 'villages', villages)).errors).toEqual([{ row: 1, column: 'properties.code', message: 'map.import.unknown_code' }]);
		});

		it('refuses a self-intersecting polygon with PostGIS’s reason', async () => {
			const bowtie = { type: 'Polygon', coordinates: [[[116.78, 40.40], [116.82, 40.44], [116.82, 40.40], [116.78, 40.44], [116.78, 40.40]]] };
			const { errors } = await checkAs(admin, 'towns', fc([{ properties: { code: TOWN }, geometry: bowtie }]));
			expect(errors).toEqual([{ row: 1, column: 'geometry', message: 'map.import.invalid_geometry', detail: expect.stringMatching(/self-intersection/i) }]);
		});

		it('refuses an unclosed ring before PostGIS sees it', async () => {
			const open = { type: 'Polygon', coordinates: [[[116.78, 40.40], [116.82, 40.40], [116.82, 40.44]]] };
			expect((await checkAs(admin, 'towns', fc([{ properties: { code: TOWN }, geometry: open }]))).errors).toEqual([
				{ row: 1, column: 'geometry.coordinates', message: 'map.import.invalid_geometry' }
			]);
		});

		it('refuses points and polygons outside the district', async () => {
			const beijing = fc([{ properties: { code: '110118101001' }, geometry: { type: 'Point', coordinates: [116.397, 39.909] } }]);
			expect((await checkAs(admin, 'villages', beijing)).errors).toEqual([{ row: 1, column: 'geometry', message: 'map.import.outside_district' }]);
			const far = fc([{ properties: { code: TOWN }, geometry: square(116.4, 39.9, 0.02) }]);
			expect((await checkAs(admin, 'towns', far)).errors).toEqual([{ row: 1, column: 'geometry', message: 'map.import.outside_district' }]);
		});

		it('converts GCJ-02 input and stores WGS84', async () => {
			const [gLon, gLat] = gcoord.transform([116.8633, 40.4646], gcoord.WGS84, gcoord.GCJ02) as [number, number];
			const file = fc([{ properties: { code: '110118101001' }, geometry: { type: 'Point', coordinates: [gLon, gLat] } }]);
			expect(await importAs(admin, 'villages', file, 'gcj02')).toBe(1);
			const [row] = await asService(db, (tx) =>
				tx.query<{ lon: number; lat: number }>(`select extensions.st_x(geom) as lon, extensions.st_y(geom) as lat from public.village_places where village_code = '110118101001'`)
			);
			expect(row!.lon).toBeCloseTo(116.8633, 4);
			expect(row!.lat).toBeCloseTo(40.4646, 4);
		});

		it('lets only admins write, also directly in the database', async () => {
			expect(await sqlState(importAs(staff, 'towns', TOWN_FILE))).toBe('42501');
			expect(
				await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(`insert into public.water_features (ref, kind, name_zh, name_en, geom) values ('x', 'river', '河', 'River', extensions.st_geomfromtext('MULTILINESTRING((116.8 40.4, 116.9 40.5))', 4326))`)))
			).toBe('42501');
			const n = await asService(db, (tx) => tx.query('select 1 from public.town_boundaries'));
			expect(n).toHaveLength(0);
		});

		it('after a township polygon import, a point inside matches it and a point just outside does not', async () => {
			const before = await as(db, admin, (tx) => resolveAreas(tx, [{ kind: 'geocode', code: TOWN }]));
			// before its boundary, the township is targeted district-wide (township-target.spec.ts)
			expect('districtWide' in before && before.districtWide.map((p) => p.code)).toEqual([TOWN]);
			expect(await importAs(admin, 'towns', TOWN_FILE)).toBe(1);
			const resolved = await as(db, admin, (tx) => resolveAreas(tx, [{ kind: 'geocode', code: TOWN }]));
			if (!('geojson' in resolved)) throw new Error('no area');
			const within = (lon: number, lat: number) =>
				as(db, ANON_CLAIMS, (tx) =>
					tx.query<{ inside: boolean; towns: string[] }>(
						`select extensions.st_intersects(extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326), p.g) as inside,
						        array(select a.code from public.town_areas a where extensions.st_intersects(a.area, p.g) order by a.code) as towns
						   from (select extensions.st_setsrid(extensions.st_makepoint($2, $3), 4326) as g) p`,
						[resolved.geojson, lon, lat]
					)
				).then((r) => r[0]!);
			expect(await within(CENTRE[0] + 0.019, CENTRE[1])).toEqual({ inside: true, towns: [TOWN] });
			const outside = await within(CENTRE[0] + 0.021, CENTRE[1]);
			expect(outside.inside).toBe(false);
			expect(outside.towns).not.toContain(TOWN);
			const [area] = await as(db, ANON_CLAIMS, (tx) => tx.query<{ approximate: boolean }>('select approximate from public.town_areas where code = $1', [TOWN]));
			expect(area!.approximate).toBe(false);
			// The Voronoi cells of the others no longer overlap the real boundary.
			const [overlap] = await asService(db, (tx) =>
				tx.query<{ n: number }>(
					`select count(*)::int as n from public.town_areas a, public.town_boundaries b
					  where a.code <> b.town_code and extensions.st_area(extensions.st_intersection(a.area, b.area)) > 1e-9`
				)
			);
			expect(overlap!.n).toBe(0);
		});

		it('exports what it imported, in the format it reads', async () => {
			const exported = await as(db, ANON_CLAIMS, (tx) => exportLayer(tx, 'towns'));
			const again = await checkAs(admin, 'towns', exported);
			expect(again.errors).toEqual([]);
			expect(again.features.map((f) => f.key)).toEqual([TOWN]);
		});

		it('imports water layers: a lake as a polygon, a river as a line', async () => {
			const file = fc([
				{ properties: { ref: 'lake-1', kind: 'water_body', name_zh: '测试湖', name_en: 'Test Lake' }, geometry: square(116.95, 40.5, 0.03) },
				{ properties: { ref: 'river-1', kind: 'river', name_zh: '测试河', name_en: 'Test River' }, geometry: { type: 'LineString', coordinates: [[116.85, 40.45], [116.95, 40.4]] } },
				{ properties: { ref: 'river-2', kind: 'river', name_zh: '错', name_en: 'Wrong' }, geometry: square(116.9, 40.45, 0.01) }
			]);
			expect(await importAs(admin, 'water', file)).toEqual([{ row: 3, column: 'geometry.type', message: 'map.import.wrong_geometry' }]);
			expect(await importAs(admin, 'water', fc(JSON.parse(file).features.slice(0, 2)))).toBe(2);
		});
	});
}
