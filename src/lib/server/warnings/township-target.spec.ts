/**
 * A warning for a township reaches everything that belongs to it (outside finding,
 * 2026-12-04 night): 司马台长城 and 古北水镇 are in 古北口镇 by their sourced township,
 * though their points lay in 新城子镇's approximate cell. And every township can be
 * targeted: one with no area yet is matched district-wide, and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import * as scenic from '../scenic';
import { as, backends, staffClaims } from '../testing/db';
import { resolveAreas } from './area';
import * as warnings from './store';
import { rainstorm } from './testing/fixtures';

const GUBEIKOU = '110118111';
const GUOYUAN = '110118002'; // 果园街道: no sourced seat, no boundary
const WATER_TOWN = [117.27, 40.655] as const; // the outside tester's "am I in it?" point

describe.each(backends())('township targets on $name', (backend) => {
	let db: Database;
	let issuer: Claims, admin: Claims;

	beforeAll(async () => {
		db = await backend.open();
		issuer = await staffClaims(db, 'issuer-t@test.cn', 'warning_issuer');
		admin = await staffClaims(db, 'admin-t@test.cn', 'admin');
	}, 120_000);
	afterAll(() => db?.close());

	it('puts every scenic area with a point inside the area of its own township', async () => {
		const wrong = await as(db, ANON_CLAIMS, (tx) =>
			tx.query<{ id: string }>(
				`select s.id from public.scenic_areas s join public.town_areas a on a.code = s.town_code
				  where s.location is not null and not extensions.st_intersects(a.area, s.location)`
			)
		);
		expect(wrong).toEqual([]);
	});

	it('lists Simatai and Gubei Water Town in the preview of a warning for 古北口镇, and the area holds their points', async () => {
		const shown = await as(db, issuer, (tx) => warnings.preview(tx, rainstorm({ areas: [{ kind: 'geocode', code: GUBEIKOU }] })));
		if ('errors' in shown) throw new Error(JSON.stringify(shown.errors));
		expect(shown.affected.scenic.map((s) => s.id)).toEqual(expect.arrayContaining(['simatai', 'gubei-water-town', 'gubeikou-great-wall']));
		const [inside] = await as(db, ANON_CLAIMS, (tx) =>
			tx.query<{ inside: boolean }>(
				'select extensions.st_intersects(extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326), extensions.st_setsrid(extensions.st_makepoint($2, $3), 4326)) as inside',
				[shown.geojson, WATER_TOWN[0], WATER_TOWN[1]]
			)
		);
		expect(inside!.inside).toBe(true);
	});

	it('shows an issued 古北口镇 warning on the Simatai and Gubei Water Town pages, and stores an area the device finds them in', async () => {
		const id = await asService(db, async (tx) => {
			const saved = await warnings.saveDraft(tx, rainstorm({ level: 'yellow', areas: [{ kind: 'geocode', code: GUBEIKOU }] }));
			if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
			await warnings.submit(tx, saved.id);
			return saved.id;
		});
		for (const site of ['simatai', 'gubei-water-town']) {
			const page = await as(db, ANON_CLAIMS, (tx) => scenic.get(tx, site));
			expect(page!.warnings.length, site).toBeGreaterThan(0);
		}
		const stored = await as(db, admin, (tx) => warnings.areaGeoJson(tx, id));
		const [row] = await as(db, ANON_CLAIMS, (tx) =>
			tx.query<{ inside: boolean }>(
				'select extensions.st_intersects(extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326), extensions.st_setsrid(extensions.st_makepoint($2, $3), 4326)) as inside',
				[stored, WATER_TOWN[0], WATER_TOWN[1]]
			)
		);
		expect(row!.inside).toBe(true);
	});

	it('lets a township without an area be targeted: matched district-wide, and says so', async () => {
		const resolved = await as(db, issuer, (tx) => resolveAreas(tx, [{ kind: 'geocode', code: GUOYUAN }]));
		if ('errors' in resolved) throw new Error(JSON.stringify(resolved.errors));
		expect(resolved.named.map((p) => p.code)).toEqual([GUOYUAN]);
		expect(resolved.districtWide.map((p) => p.code)).toEqual([GUOYUAN]);
		const [row] = await as(db, ANON_CLAIMS, (tx) =>
			tx.query<{ covers: boolean }>(
				`select extensions.st_covers(extensions.st_buffer(extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326), 0.0001), d.outline) as covers
				   from public.district d`,
				[resolved.geojson]
			)
		);
		expect(row!.covers).toBe(true);
		const shown = await as(db, issuer, (tx) => warnings.preview(tx, rainstorm({ areas: [{ kind: 'geocode', code: GUOYUAN }] })));
		if ('errors' in shown) throw new Error(JSON.stringify(shown.errors));
		expect(shown.districtWide.map((p) => p.name_zh)).toEqual(['果园街道']);
	});
});
