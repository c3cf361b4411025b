/**
 * Evacuation routes from the console: reading the line a dispatcher types or pastes, and
 * who may add, change or delete a route (admins only), on real databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { addStaff } from '../staff';
import { as, backends } from '../testing/db';
import * as shelters from '.';
import { createRoute, deleteRoute, getRoute, parsePath, parseRouteForm, pathText, updateRoute, type RouteInput } from './routes';

describe('the route line', () => {
	it('reads "lat,lon" points, one a line, blank lines and Chinese commas allowed', () => {
		expect(parsePath('40.46,116.84\n\n40.47， 116.845\r\n40.48 116.85', 'wgs84')).toEqual({
			points: [[116.84, 40.46], [116.845, 40.47], [116.85, 40.48]]
		});
	});

	it('reads a pasted GeoJSON LineString or a Feature holding one', () => {
		const line = { type: 'LineString', coordinates: [[116.84, 40.46], [116.85, 40.47]] };
		expect(parsePath(JSON.stringify(line), 'wgs84')).toEqual({ points: line.coordinates });
		expect(parsePath(JSON.stringify({ type: 'Feature', properties: {}, geometry: line }), 'wgs84')).toEqual({ points: line.coordinates });
		expect(parsePath(JSON.stringify({ type: 'Point', coordinates: [116.84, 40.46] }), 'wgs84')).toEqual({ error: { key: 'shelters.route.path_not_line' } });
		expect(parsePath('{"type":', 'wgs84')).toEqual({ error: { key: 'shelters.route.path_bad_json' } });
	});

	it('names the line of a bad or far-away point', () => {
		expect(parsePath('40.46,116.84\n40.47;116.85', 'wgs84')).toEqual({ error: { key: 'shelters.route.path_bad_point', line: 2 } });
		expect(parsePath('40.46,116.84\n\n39.90,116.40', 'wgs84')).toEqual({ error: { key: 'shelters.route.path_outside', line: 3 } });
		// lon,lat the wrong way round lands far outside the district
		expect(parsePath('116.84,40.46\n116.85,40.47', 'wgs84')).toEqual({ error: { key: 'shelters.route.path_outside', line: 1 } });
	});

	it('needs two different points, and not too many', () => {
		expect(parsePath('', 'wgs84')).toEqual({ error: { key: 'shelters.route.path_required' } });
		expect(parsePath('40.46,116.84', 'wgs84')).toEqual({ error: { key: 'shelters.route.path_too_few' } });
		expect(parsePath('40.46,116.84\n40.46,116.84', 'wgs84')).toEqual({ error: { key: 'shelters.route.path_too_few' } });
		expect(parsePath(Array.from({ length: 501 }, (_, i) => `40.4,${116.8 + i / 10000}`).join('\n'), 'wgs84')).toEqual({ error: { key: 'shelters.route.path_too_many' } });
	});

	it('converts GCJ-02 points to WGS84 and writes them back as the form shows them', () => {
		const got = parsePath('40.46,116.84\n40.47,116.85', 'gcj02');
		expect('points' in got).toBe(true);
		const [[lon, lat]] = (got as { points: [number, number][] }).points as [[number, number]];
		expect(Math.abs(lon - 116.84)).toBeGreaterThan(0.004);
		expect(Math.abs(lat - 40.46)).toBeGreaterThan(0.0005);
		expect(pathText([[116.84, 40.46], [116.85, 40.47]])).toBe('40.460000,116.840000\n40.470000,116.850000');
	});

	it('checks the other fields of the form', () => {
		const data = new FormData();
		for (const [k, v] of Object.entries({ origin_name_zh: '', origin_name_en: 'X', path: '40.46,116.84\n40.47,116.85', walk_minutes: '0', village_code: '110118999999' })) data.append(k, v);
		const { input, errors } = parseRouteForm(data, new Set(['110118101201']));
		expect(input).toBeNull();
		expect(errors).toEqual({ origin_name_zh: 'shelters.route.required', walk_minutes: 'shelters.route.bad_minutes', village_code: 'shelters.route.unknown_village' });
	});
});

describe.each(backends())('evacuation routes on $name', (backend) => {
	let db: Database;
	let shelterId: string;
	let admin: Claims, townStaff: Claims;
	const route: RouteInput = {
		village_code: '110118101201', origin_name_zh: '低洼区', origin_name_en: 'Low-lying area',
		path: [[116.84, 40.46], [116.842, 40.465], [116.845, 40.47]], description_zh: '向北上坡', description_en: 'Uphill to the north', walk_minutes: 20
	};

	beforeAll(async () => {
		db = await backend.open();
		shelterId = await asService(db, async (tx) => {
			const [row] = await tx.query<{ id: string }>(
				`insert into public.shelters (ref, name_zh, name_en, town_code, position, class, indoor, capacity, hazards)
				 values ('r-1', 'r', 'r', '110118101', extensions.st_setsrid(extensions.st_makepoint(116.845, 40.47), 4326)::extensions.geography,
				         'short_term', true, 100, '{flood}') returning id`
			);
			return row!.id;
		});
		const add = async (email: string, role: string, townCode: string | undefined, departmentCode?: string) => {
			const { userId } = await addStaff(db, { email, password: 'correct horse battery', role, townCode, departmentCode });
			return { role: 'authenticated', sub: userId, email } satisfies Claims;
		};
		admin = await add('admin@test.cn', 'admin', undefined, 'emergency');
		townStaff = await add('xwz@test.cn', 'dispatcher', '110118101');
	});
	afterAll(async () => {
		await db?.close();
	});

	const routeIds = () => asService(db, async (tx) => (await tx.query<{ id: string }>('select id from public.evacuation_routes where shelter_id = $1', [shelterId])).map((r) => r.id));

	it('lets an admin add a route, shown on the shelter’s page, its origin at the first point', async () => {
		expect(await as(db, admin, (tx) => createRoute(tx, shelterId, route))).toBe(true);
		const [id] = await routeIds();
		const shown = await as(db, ANON_CLAIMS, (tx) => shelters.get(tx, shelterId));
		expect(shown!.routes).toEqual([expect.objectContaining({ id, origin_name_en: 'Low-lying area', walk_minutes: 20, path: route.path, description_en: 'Uphill to the north', demo: false })]);
		const [origin] = await asService(db, (tx) => tx.query<{ lon: number; lat: number }>('select extensions.st_x(origin) as lon, extensions.st_y(origin) as lat from public.evacuation_routes where id = $1', [id]));
		expect(origin).toEqual({ lon: 116.84, lat: 40.46 });
	});

	it('lets an admin change a route; a point origin follows the new start', async () => {
		const [id] = await routeIds();
		const moved = { ...route, path: [[116.83, 40.455], [116.845, 40.47]] as [number, number][], walk_minutes: 25, village_code: null };
		expect(await as(db, admin, (tx) => updateRoute(tx, shelterId, id!, moved))).toBe(true);
		expect(await as(db, admin, (tx) => getRoute(tx, shelterId, id!))).toMatchObject({ path: moved.path, walk_minutes: 25, village_code: null });
		const [origin] = await asService(db, (tx) => tx.query<{ lon: number }>('select extensions.st_x(origin) as lon from public.evacuation_routes where id = $1', [id]));
		expect(origin!.lon).toBe(116.83);
		// An id that belongs to another shelter's route is not this shelter's route.
		expect(await as(db, admin, (tx) => getRoute(tx, '00000000-0000-4000-8000-000000000000', id!))).toBeNull();
	});

	it('refuses to add, change or delete routes for the township’s staff and for anonymous callers', async () => {
		const [id] = await routeIds();
		for (const claims of [townStaff, ANON_CLAIMS]) {
			expect(await as(db, claims, (tx) => createRoute(tx, shelterId, route))).toBe(false);
			expect(await as(db, claims, (tx) => updateRoute(tx, shelterId, id!, { ...route, walk_minutes: 99 }))).toBe(false);
			expect(await as(db, claims, (tx) => deleteRoute(tx, shelterId, id!))).toBe(false);
		}
		expect(await routeIds()).toEqual([id]);
		expect((await as(db, admin, (tx) => getRoute(tx, shelterId, id!)))!.walk_minutes).toBe(25);
	});

	it('lets an admin delete a route', async () => {
		const [id] = await routeIds();
		expect(await as(db, admin, (tx) => deleteRoute(tx, shelterId, id!))).toBe(true);
		expect(await routeIds()).toEqual([]);
		expect(await as(db, admin, (tx) => deleteRoute(tx, shelterId, id!))).toBe(false);
	});
});
