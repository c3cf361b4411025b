/**
 * The nearest suitable shelter (ordering, hazard filter, exclusion by an active warning's
 * area) and who may change shelters, on real databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import { nearDistrict } from '../../shelters/geo';
import { nearestOnDevice } from '../../shelters/nearest';
import * as shelters from '.';
import { seedDemoShelters } from './seed';

// A point in the plains of Mujiayu; test shelters lie due north of it at known distances.
const HERE = { lat: 40.4, lon: 116.93 };
const north = (metres: number) => HERE.lat + metres / 111_320;

type Spec = { ref: string; metres: number; hazards: string[]; status?: string; town?: string };
const SPECS: Spec[] = [
	{ ref: 't-a', metres: 300, hazards: ['earthquake', 'flood'], town: '110118106' },
	{ ref: 't-b', metres: 800, hazards: ['earthquake'], town: '110118106' },
	{ ref: 't-closed', metres: 1000, hazards: ['earthquake', 'flood'], status: 'closed', town: '110118106' },
	{ ref: 't-c', metres: 1500, hazards: ['flood'], town: '110118116' },
	{ ref: 't-full', metres: 2000, hazards: ['flood'], status: 'full', town: '110118116' },
	{ ref: 't-d', metres: 2500, hazards: ['earthquake', 'flood'], town: '110118116' }
];

async function insert(tx: Queryable, s: Spec): Promise<string> {
	const [row] = await tx.query<{ id: string }>(
		`insert into public.shelters (ref, name_zh, name_en, town_code, position, class, indoor, capacity, hazards, status)
		 values ($1, $1, $1, $2, extensions.st_setsrid(extensions.st_makepoint($3, $4), 4326)::extensions.geography,
		         'emergency', false, 100, $5::text[]::public.hazard_code[], $6) returning id`,
		[s.ref, s.town ?? null, HERE.lon, north(s.metres), s.hazards, s.status ?? 'open']
	);
	return row!.id;
}

/** Replaces app.active_hazard_areas for one transaction (what the Warnings branch will do for real), then acts as anon. */
async function withFloodWarningAround(db: Database, lat: number, lon: number, work: (tx: Queryable) => Promise<void>) {
	const rollback = new Error('rollback');
	await db
		.transaction(async (tx) => {
			await tx.query(`create or replace function app.active_hazard_areas(p_hazard public.hazard_code)
				returns table (warning_id uuid, level public.warning_level, area extensions.geometry)
				language sql stable set search_path = '' as $f$
				  select '00000000-0000-4000-8000-000000000001'::uuid, 'orange'::public.warning_level,
				         extensions.st_buffer(extensions.st_setsrid(extensions.st_makepoint(${lon}, ${lat}), 4326), 0.002)
				   where p_hazard = 'flood'
				$f$`);
			await tx.query(`select set_config('request.jwt.claims', '{"role":"anon"}', true), set_config('role', 'anon', true)`);
			await work(tx);
			throw rollback;
		})
		.catch((error) => {
			if (error !== rollback) throw error;
		});
}

describe.each(backends())('shelters on $name', (backend) => {
	let db: Database;
	const ids: Record<string, string> = {};
	let admin: Claims, mujiayuStaff: Claims, shichengStaff: Claims, waterHandler: Claims;

	beforeAll(async () => {
		db = await backend.open();
		await asService(db, async (tx) => {
			for (const s of SPECS) ids[s.ref] = await insert(tx, s);
		});
		admin = await staffClaims(db, 'admin@test.cn', 'admin', { departmentCode: 'emergency' });
		mujiayuStaff = await staffClaims(db, 'mujiayu@test.cn', 'handler', { townCode: '110118106' });
		shichengStaff = await staffClaims(db, 'shicheng@test.cn', 'dispatcher', { townCode: '110118116' });
		waterHandler = await staffClaims(db, 'water@test.cn', 'handler', { departmentCode: 'water' });
	});
	afterAll(async () => {
		await db?.close();
	});

	const nearest = (hazard: string | null, limit = 10, claims: Claims = ANON_CLAIMS) =>
		as(db, claims, (tx) => shelters.nearest(tx, { ...HERE, hazard: hazard as never, limit }));

	describe('nearest', () => {
		it('orders open shelters by distance, in metres, with walking minutes at 4 km/h', async () => {
			const answer = await nearest(null);
			expect(answer.shelters.map((s) => s.name_en)).toEqual(['t-a', 't-b', 't-c', 't-d']);
			const [a] = answer.shelters;
			expect(a!.distance_m).toBeGreaterThan(295);
			expect(a!.distance_m).toBeLessThan(305);
			expect(a!.walk_minutes).toBe(5); // 300 m at 66.7 m/min
			expect(a!.lat).toBeCloseTo(north(300), 6);
			expect(answer.walk_kmh).toBe(4);
		});

		it('offers only shelters suitable for the hazard', async () => {
			expect((await nearest('earthquake')).shelters.map((s) => s.name_en)).toEqual(['t-a', 't-b', 't-d']);
			expect((await nearest('flood')).shelters.map((s) => s.name_en)).toEqual(['t-a', 't-c', 't-d']);
			expect((await nearest('hazmat')).shelters).toEqual([]);
		});

		it('respects the limit and names nearby closed or full shelters as excluded, with the reason', async () => {
			const answer = await nearest('flood', 2);
			expect(answer.shelters.map((s) => s.name_en)).toEqual(['t-a', 't-c']);
			expect(answer.excluded.map((e) => [e.name_en, e.reason])).toEqual([['t-closed', 'closed']]);
			const wider = await nearest('flood', 5);
			expect(wider.excluded.map((e) => [e.name_en, e.reason])).toEqual([
				['t-closed', 'closed'],
				['t-full', 'full']
			]);
		});

		it('leaves out a shelter inside an active warning area for that hazard, saying why', async () => {
			await withFloodWarningAround(db, north(300), HERE.lon, async (tx) => {
				const flood = await shelters.nearest(tx, { ...HERE, hazard: 'flood', limit: 3 });
				expect(flood.shelters.map((s) => s.name_en)).toEqual(['t-c', 't-d']);
				expect(flood.excluded).toContainEqual(
					expect.objectContaining({ name_en: 't-a', reason: 'in_warning_area', warning_level: 'orange', warning_id: '00000000-0000-4000-8000-000000000001' })
				);
				// A flood warning's area is dangerous ground whatever is asked about (hazard_shelter_exclusion).
				const quake = await shelters.nearest(tx, { ...HERE, hazard: 'earthquake', limit: 3 });
				expect(quake.shelters[0]!.name_en).toBe('t-b');
				expect(quake.excluded.map((e) => [e.name_en, e.reason])).toEqual([['t-closed', 'closed'], ['t-a', 'in_warning_area']]);
			});
			// Rolled back: the real function is back and returns nothing.
			expect((await nearest('flood', 1)).shelters[0]!.name_en).toBe('t-a');
		});

		it('uses the spatial index for the KNN order', async () => {
			const plan = await asService(db, async (tx) => {
				await tx.query('set local enable_seqscan = off');
				return tx.query<{ 'QUERY PLAN': string }>(
					`explain select id from public.shelters order by position operator(extensions.<->) extensions.st_setsrid(extensions.st_makepoint(116.93, 40.4), 4326)::extensions.geography limit 5`
				);
			});
			expect(plan.map((r) => Object.values(r)[0]).join('\n')).toContain('shelters_position_idx');
		});
	});

	describe('who may change shelters', () => {
		it('lets anyone read shelters and routes, but not retired ones', async () => {
			expect(await as(db, ANON_CLAIMS, (tx) => tx.query('select id from public.shelters'))).toHaveLength(SPECS.length);
			expect(await as(db, admin, (tx) => shelters.retire(tx, ids['t-d']!, true))).toBe(true);
			expect(await as(db, ANON_CLAIMS, (tx) => tx.query('select id from public.shelters where id = $1', [ids['t-d']]))).toEqual([]);
			expect((await nearest(null)).shelters.map((s) => s.name_en)).not.toContain('t-d');
			expect(await as(db, admin, (tx) => shelters.retire(tx, ids['t-d']!, false))).toBe(true);
			expect(await as(db, ANON_CLAIMS, (tx) => tx.query('select id from public.evacuation_routes'))).toEqual([]);
		});

		it('refuses anonymous writes', async () => {
			expect(await sqlState(as(db, ANON_CLAIMS, (tx) => insert(tx, { ref: 'anon', metres: 1, hazards: ['flood'] })))).toBe('42501');
			expect(await as(db, ANON_CLAIMS, (tx) => shelters.updateLive(tx, ids['t-a']!, { status: 'closed', occupancy: 0, note: null }))).toBe(false);
			expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('delete from public.shelters')))).toBe('42501');
		});

		it('lets a township’s staff update status, occupancy and note of its own shelters only', async () => {
			const live = { status: 'full' as const, occupancy: 100, note: 'gate on the east side' };
			expect(await as(db, mujiayuStaff, (tx) => shelters.updateLive(tx, ids['t-b']!, live))).toBe(true);
			// Another township's shelter: RLS hides it from the update.
			expect(await as(db, mujiayuStaff, (tx) => shelters.updateLive(tx, ids['t-c']!, live))).toBe(false);
			// A department's handler is not a township's staff.
			expect(await as(db, waterHandler, (tx) => shelters.updateLive(tx, ids['t-a']!, live))).toBe(false);
			// The registry entry itself is the admins'.
			expect(await sqlState(as(db, mujiayuStaff, (tx) => tx.query(`update public.shelters set name_zh = 'x', hazards = '{flood}' where id = $1`, [ids['t-b']])))).toBe('42501');
			expect(await as(db, mujiayuStaff, (tx) => shelters.retire(tx, ids['t-b']!, true))).toBe(false);
			expect(await sqlState(as(db, shichengStaff, (tx) => insert(tx, { ref: 'staff', metres: 1, hazards: ['flood'], town: '110118116' })))).toBe('42501');
			expect(await sqlState(as(db, shichengStaff, (tx) => tx.query(`insert into public.evacuation_routes (shelter_id, origin_name_zh, origin_name_en, origin, path, walk_minutes)
				values ($1, 'x', 'x', extensions.st_setsrid(extensions.st_makepoint(116.9, 40.4), 4326),
				        extensions.st_geomfromtext('LINESTRING(116.9 40.4, 116.93 40.41)', 4326), 5)`, [ids['t-c']])))).toBe('42501');
			const [row] = await as(db, ANON_CLAIMS, (tx) => tx.query<{ status: string; occupancy: number; name_zh: string }>(
				'select status, occupancy, name_zh from public.shelters where id = $1', [ids['t-b']]));
			expect(row).toEqual({ status: 'full', occupancy: 100, name_zh: 't-b' });
			await as(db, admin, (tx) => shelters.updateLive(tx, ids['t-b']!, { status: 'open', occupancy: 0, note: null }));
		});

		it('shows staff which shelters they may update', async () => {
			const list = await as(db, mujiayuStaff, (tx) => shelters.listForStaff(tx));
			const editable = list.filter((s) => s.editable).map((s) => s.name_en).sort();
			expect(editable).toEqual(['t-a', 't-b', 't-closed']);
			// Theirs first, so a phone shows them without scrolling past the others.
			expect(list.slice(0, 3).every((s) => s.editable)).toBe(true);
			expect((await as(db, admin, (tx) => shelters.listForStaff(tx))).every((s) => s.editable)).toBe(true);
		});
	});

	describe('the offline snapshot and the demo seed', () => {
		it('seeds labelled demo shelters once, with routes, and never an outdoor flood shelter', async () => {
			const added = await seedDemoShelters(db);
			expect(added).toBeGreaterThanOrEqual(20);
			expect(await seedDemoShelters(db)).toBe(0);
			const snap = await as(db, ANON_CLAIMS, (tx) => shelters.snapshot(tx));
			const demo = snap.shelters.filter((s) => s.demo);
			expect(demo).toHaveLength(added);
			for (const s of demo) {
				expect(s.name_en).toMatch(/\(demo\)$/);
				expect(s.name_zh).toMatch(/（演示）$/);
				expect(s.town_code).not.toBeNull();
				if (!s.indoor) expect(s.hazards).not.toContain('flood');
			}
			expect(snap.routes.length).toBeGreaterThanOrEqual(3);
			expect(snap.routes.every((r) => r.demo && r.path.length >= 2)).toBe(true);
			expect(snap.outline.length).toBeGreaterThan(0);
			for (const ring of snap.outline) {
				expect(ring.length).toBeGreaterThanOrEqual(4);
				for (const [lon, lat] of ring) expect(nearDistrict(lat!, lon!)).toBe(true);
			}
			expect(snap.towns).toHaveLength(21);
			expect(snap.towns.filter((t) => t.lat !== null).length).toBeGreaterThanOrEqual(8);
		});

		it('versions the snapshot by its content', async () => {
			const a = await as(db, ANON_CLAIMS, (tx) => shelters.snapshot(tx));
			const b = await as(db, ANON_CLAIMS, (tx) => shelters.snapshot(tx));
			expect(b.version).toBe(a.version);
			await as(db, admin, (tx) => shelters.updateLive(tx, ids['t-a']!, { status: 'open', occupancy: 7, note: null }));
			expect((await as(db, ANON_CLAIMS, (tx) => shelters.snapshot(tx))).version).not.toBe(a.version);
		});

		it('ranks on the device as the database does', async () => {
			const snap = await as(db, ANON_CLAIMS, (tx) => shelters.snapshot(tx));
			const here = { lat: 40.455, lon: 116.85, hazard: 'earthquake' as const, limit: 5 };
			const server = await as(db, ANON_CLAIMS, (tx) => shelters.nearest(tx, here));
			const device = nearestOnDevice(snap, here.lat, here.lon, here.hazard, here.limit).shelters;
			expect(device.map((s) => s.id)).toEqual(server.shelters.map((s) => s.id));
			for (const [i, s] of device.entries()) expect(Math.abs(s.distance_m - server.shelters[i]!.distance_m)).toBeLessThan(server.shelters[i]!.distance_m * 0.005 + 2);
		});
	});
});

describe.each(backends())('planning figures on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('compares each township’s shelter area and capacity with its population', async () => {
		const { figures } = await import('./planning');
		// Fengjiayu (冯家峪镇): population 8,975 in the reference data.
		await asService(db, async (tx) => {
			for (const [ref, area, capacity] of [['p1', 9000, 3000], ['p2', 4500, 1500]] as const) {
				await tx.query(
					`insert into public.shelters (ref, name_zh, name_en, town_code, position, class, indoor, area_m2, capacity, hazards)
					 values ($1, $1, $1, '110118110', extensions.st_setsrid(extensions.st_makepoint(116.87, 40.62), 4326)::extensions.geography,
					         'emergency', false, $2, $3, '{earthquake}')`,
					[ref, area, capacity]
				);
			}
			await tx.query(`update public.shelters set retired_at = now() where ref = 'p2'`);
		});
		const rows = await as(db, ANON_CLAIMS, figures);
		expect(rows).toHaveLength(21);
		const fengjiayu = rows.find((r) => r.code === '110118110')!;
		expect(fengjiayu).toMatchObject({ population: 8975, shelters: 1, area_m2: 9000, capacity: 3000, meets_area_target: false });
		expect(fengjiayu.area_per_resident).toBeCloseTo(9000 / 8975, 6);
		expect(fengjiayu.capacity_share).toBeCloseTo(3000 / 8975, 6);
		expect(rows.find((r) => r.code === '110118400')).toMatchObject({ population: null, area_per_resident: null, meets_area_target: null });
	});
});
