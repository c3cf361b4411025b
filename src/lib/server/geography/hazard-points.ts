/**
 * Geological hazard points (地质灾害隐患点): import (GeoJSON points, all or nothing, as
 * the other geography layers), the public list (no personal data), the monitors
 * (RLS: the point's township staff and admins only), and the points and people
 * threatened inside a warning's area.
 */
import type { HazardPointKind, InArea, StaffHazardPoint } from '../../map/types';
import type { Queryable } from '../db/port';
import type { Crs } from '../shelters/import';
import { checkGeometry, type GeoError } from './check';
import type { References } from './index';
import { parseGeoJson, type Feature } from './parse';
import vocabulary from './vocabulary.json';

import { HAZARD_POINT_KINDS } from '../../map/types';
export { HAZARD_POINT_KINDS };

/** The words of the national survey's forms, besides the codes. */
const KIND_WORDS = vocabulary.kind as Record<string, HazardPointKind>;

/** Warnings of these hazards list the hazard points inside their area while composed and in the console. */
export const SLOPE_HAZARDS = ['landslide', 'flash_flood', 'rainstorm'] as const;
// The hazard catalogue has no separate debris-flow code: debris flows are warned as flash_flood or landslide.

export const PROPERTIES = ['ref', 'kind', 'town_code', 'village_code', 'households', 'people', 'refuge_shelter', 'refuge_place', 'route', 'monitor_name', 'monitor_phone'] as const;

export type HazardPointRow = {
	ref: string;
	kind: HazardPointKind;
	town_code: string;
	village_code: string | null;
	households: number;
	people: number;
	refuge_shelter: string | null;
	refuge_place: string | null;
	route: string | null;
	monitor_name: string | null;
	monitor_phone: string | null;
};

function rowOf(props: Record<string, string>, refs: References, shelters: Set<string>, err: (field: string, message: string) => void): HazardPointRow | null {
	let bad = 0;
	const e = (field: string, message: string) => {
		bad++;
		err(field, message);
	};
	const text = (field: string, max: number) => {
		const v = props[field] ?? '';
		if (v.length > max) e(field, 'map.import.too_long');
		return v || null;
	};
	const count = (field: string) => {
		const raw = props[field] ?? '';
		if (!raw) return 0;
		const n = Number(raw);
		if (!Number.isInteger(n) || n < 0 || n > 1_000_000) e(field, 'map.import.not_a_count');
		return n;
	};
	const ref = props.ref ?? '';
	if (!ref) e('ref', 'map.import.required');
	else if (!/^[A-Za-z0-9._:-]{1,64}$/.test(ref)) e('ref', 'map.import.bad_code');
	const kindRaw = props.kind ?? '';
	const kind = (HAZARD_POINT_KINDS as readonly string[]).includes(kindRaw) ? (kindRaw as HazardPointKind) : Object.hasOwn(KIND_WORDS, kindRaw) ? KIND_WORDS[kindRaw] : undefined;
	if (!kind) e('kind', kindRaw ? 'map.import.unknown_code' : 'map.import.required');
	const village_code = props.village_code || null;
	if (village_code && !refs.villages.has(village_code)) e('village_code', /^110118\d{6}$/.test(village_code) ? 'map.import.unknown_code' : 'map.import.bad_code');
	let town_code = props.town_code || (village_code ? (refs.villages.get(village_code) ?? '') : '');
	if (!town_code) e('town_code', 'map.import.required');
	else if (!refs.towns.has(town_code)) e('town_code', /^110118\d{3}$/.test(town_code) ? 'map.import.unknown_code' : 'map.import.bad_code');
	else if (village_code && refs.villages.has(village_code) && refs.villages.get(village_code) !== town_code) e('village_code', 'map.import.village_not_in_town');
	const households = count('households');
	const people = count('people');
	const refuge_shelter = props.refuge_shelter || null;
	if (refuge_shelter && !shelters.has(refuge_shelter)) e('refuge_shelter', 'map.import.unknown_shelter');
	const refuge_place = text('refuge_place', 200);
	const route = text('route', 500);
	const monitor_name = text('monitor_name', 40);
	const monitor_phone = props.monitor_phone || null;
	if (monitor_phone && !/^[0-9+() -]{3,30}$/.test(monitor_phone)) e('monitor_phone', 'map.import.bad_phone');
	if ((monitor_name === null) !== (monitor_phone === null)) e(monitor_name ? 'monitor_phone' : 'monitor_name', 'map.import.required');
	if (bad) return null;
	town_code = town_code!;
	return { ref, kind: kind!, town_code, village_code, households, people, refuge_shelter, refuge_place, route, monitor_name, monitor_phone };
}

export type CheckedPoints = { rows: (HazardPointRow & { lon: number; lat: number })[]; errors: GeoError[] };

export async function checkPoints(tx: Queryable, content: string, crs: Crs, refs: References): Promise<CheckedPoints> {
	const shelters = new Set((await tx.query<{ ref: string }>('select ref from public.shelters where ref is not null')).map((s) => s.ref));
	const rows = new Map<number, HazardPointRow>();
	let row = 0;
	const parsed = parseGeoJson(content, 'hazard_points', crs, (props, err) => {
		row++;
		const checked = rowOf(props, refs, shelters, err);
		if (checked) rows.set(row, checked);
		return checked?.ref ?? null;
	});
	if (parsed.errors.length) return { rows: [], errors: parsed.errors };
	const errors = await checkGeometry(tx, 'hazard_points', parsed.features);
	if (errors.length) return { rows: [], errors };
	return {
		rows: parsed.features.map((f: Feature) => {
			const [lon, lat] = f.geometry.coordinates as [number, number];
			return { ...rows.get(f.row)!, lon, lat };
		}),
		errors: []
	};
}

/** Writes checked points (a known ref updates its point and monitor). */
export async function writePoints(tx: Queryable, rows: CheckedPoints['rows']): Promise<number> {
	for (const r of rows) {
		const [point] = await tx.query<{ id: string }>(
			`insert into public.hazard_points (ref, kind, town_code, village_code, location, households, people, refuge_shelter_id, refuge_place, route, demo)
			 values ($1, $2, $3, $4, extensions.st_setsrid(extensions.st_makepoint($5, $6), 4326), $7, $8,
			         (select s.id from public.shelters s where s.ref = $9), $10, $11, false)
			 on conflict (ref) do update set kind = excluded.kind, town_code = excluded.town_code, village_code = excluded.village_code,
			   location = excluded.location, households = excluded.households, people = excluded.people,
			   refuge_shelter_id = excluded.refuge_shelter_id, refuge_place = excluded.refuge_place, route = excluded.route,
			   demo = false, updated_at = now()
			 returning id`,
			[r.ref, r.kind, r.town_code, r.village_code, r.lon, r.lat, r.households, r.people, r.refuge_shelter, r.refuge_place, r.route]
		);
		if (r.monitor_name && r.monitor_phone) {
			await tx.query(
				`insert into public.hazard_point_monitors (hazard_point_id, name, phone) values ($1, $2, $3)
				 on conflict (hazard_point_id) do update set name = excluded.name, phone = excluded.phone`,
				[point!.id, r.monitor_name, r.monitor_phone]
			);
		} else await tx.query('delete from public.hazard_point_monitors where hazard_point_id = $1', [point!.id]);
	}
	return rows.length;
}

const STAFF_SELECT = `select h.id, h.ref, h.kind, h.town_code, h.village_code, v.name_zh as village_zh, v.name_en as village_en,
	       extensions.st_y(h.location) as lat, extensions.st_x(h.location) as lon, h.households, h.people,
	       coalesce(s.name_zh, h.refuge_place) as refuge, h.route, h.demo, m.name as monitor_name, m.phone as monitor_phone
	  from public.hazard_points h
	  left join public.villages v on v.code = h.village_code
	  left join public.shelters s on s.id = h.refuge_shelter_id
	  left join public.hazard_point_monitors m on m.hazard_point_id = h.id`;

/** Every point with what the caller may see of its monitor. */
export function listForStaff(tx: Queryable): Promise<StaffHazardPoint[]> {
	return tx.query<StaffHazardPoint>(`${STAFF_SELECT} order by h.town_code, h.ref`);
}


/** The hazard points inside a stored warning's area (its full geometry, not the drawing's). */
export async function inWarning(tx: Queryable, warningId: string): Promise<InArea | null> {
	const [row] = await tx.query<{ geojson: string }>('select extensions.st_asgeojson(area) as geojson from public.warnings where id = $1', [warningId]);
	return row ? inArea(tx, row.geojson) : null;
}

/** The hazard points inside an area (GeoJSON), with the people they threaten. */
export async function inArea(tx: Queryable, geojson: string): Promise<InArea> {
	const points = await tx.query<StaffHazardPoint>(
		`${STAFF_SELECT} where extensions.st_intersects(h.location, extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326))
		  order by h.people desc, h.ref limit 500`,
		[geojson]
	);
	const [sum] = await tx.query<{ households: number; people: number; n: number }>(
		`select coalesce(sum(h.households), 0)::int as households, coalesce(sum(h.people), 0)::int as people
		   from public.hazard_points h where extensions.st_intersects(h.location, extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326))`,
		[geojson]
	);
	return { points, households: sum?.households ?? 0, people: sum?.people ?? 0 };
}

/** Whether a warning of this hazard lists hazard points. */
export function concerns(hazard: string): boolean {
	return (SLOPE_HAZARDS as readonly string[]).includes(hazard);
}

/** The points in the import format (WGS84 GeoJSON), monitors as far as the caller may read them. */
export async function exportPoints(tx: Queryable): Promise<string> {
	const rows = await tx.query<StaffHazardPoint & { refuge_shelter: string | null; refuge_place: string | null }>(
		`select h.ref, h.kind, h.town_code, h.village_code, extensions.st_y(h.location) as lat, extensions.st_x(h.location) as lon,
		        h.households, h.people, s.ref as refuge_shelter, h.refuge_place, h.route, m.name as monitor_name, m.phone as monitor_phone
		   from public.hazard_points h
		   left join public.shelters s on s.id = h.refuge_shelter_id
		   left join public.hazard_point_monitors m on m.hazard_point_id = h.id
		  where not h.demo order by h.ref`
	);
	const features = rows.map(({ lat, lon, ...r }) => ({
		type: 'Feature',
		properties: Object.fromEntries(PROPERTIES.map((p) => [p, (r as Record<string, unknown>)[p] ?? null])),
		geometry: { type: 'Point', coordinates: [lon, lat] }
	}));
	return JSON.stringify({ type: 'FeatureCollection', features });
}
