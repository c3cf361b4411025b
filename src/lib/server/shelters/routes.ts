/**
 * Evacuation routes edited in the console: a walking line from a village or an at-risk
 * area to a shelter. A dispatcher types the line as "lat,lon" points, one a line (what a
 * phone's map shows when a point is held), or pastes a GeoJSON LineString; GCJ-02 and
 * BD-09 points are converted to WGS84 as the import does. RLS: only admins write.
 */
import gcoord from 'gcoord';
import { nearDistrict } from '../../shelters/geo';
import type { Queryable } from '../db/port';
import type { Crs } from './import';
import { refusable, UUID, type FieldErrors, type FormValues } from './registry';

export const MAX_POINTS = 500;

export type RouteInput = {
	village_code: string | null;
	origin_name_zh: string;
	origin_name_en: string;
	/** [lon, lat] in WGS84, as GeoJSON orders them. */
	path: [number, number][];
	description_zh: string | null;
	description_en: string | null;
	walk_minutes: number;
};

export type PathError = { key: string; line?: number };

/** Reads the line; an error names the i18n key and, for a bad point, its line (or GeoJSON position) from 1. */
export function parsePath(text: string, crs: Crs): { points: [number, number][] } | { error: PathError } {
	const source = text.trim();
	if (!source) return { error: { key: 'shelters.route.path_required' } };
	let raw: [number, number][] = [];
	// Where each point was written: its line, or its position in the GeoJSON array.
	const where: number[] = [];
	if (source.startsWith('{')) {
		let doc: { type?: string; geometry?: { type?: string; coordinates?: unknown }; coordinates?: unknown };
		try {
			doc = JSON.parse(source);
		} catch {
			return { error: { key: 'shelters.route.path_bad_json' } };
		}
		const geometry = doc?.type === 'Feature' ? doc.geometry : doc;
		if (geometry?.type !== 'LineString' || !Array.isArray(geometry.coordinates)) return { error: { key: 'shelters.route.path_not_line' } };
		for (const [i, c] of (geometry.coordinates as unknown[]).entries()) {
			if (!Array.isArray(c) || c.length < 2 || !c.every((x) => typeof x === 'number' && Number.isFinite(x))) {
				return { error: { key: 'shelters.route.path_bad_point', line: i + 1 } };
			}
			raw.push([c[0] as number, c[1] as number]);
			where.push(i + 1);
		}
	} else {
		const lines = source.split(/\r?\n/);
		for (const [i, line] of lines.entries()) {
			if (!line.trim()) continue;
			const parts = line.trim().split(/\s*[,，\s]\s*/).filter(Boolean);
			const [lat, lon] = parts.map(Number);
			if (parts.length !== 2 || !Number.isFinite(lat) || !Number.isFinite(lon)) return { error: { key: 'shelters.route.path_bad_point', line: i + 1 } };
			raw.push([lon!, lat!]);
			where.push(i + 1);
		}
	}
	if (raw.length > MAX_POINTS) return { error: { key: 'shelters.route.path_too_many' } };
	if (crs !== 'wgs84') {
		const from = crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09;
		raw = raw.map((p) => gcoord.transform(p, from, gcoord.WGS84) as [number, number]);
	}
	for (const [i, [lon, lat]] of raw.entries()) {
		if (!nearDistrict(lat, lon)) return { error: { key: 'shelters.route.path_outside', line: where[i] } };
	}
	const distinct = new Set(raw.map(([lon, lat]) => `${lon.toFixed(6)},${lat.toFixed(6)}`));
	if (distinct.size < 2) return { error: { key: 'shelters.route.path_too_few' } };
	return { points: raw };
}

const FIELDS = ['village_code', 'origin_name_zh', 'origin_name_en', 'path', 'crs', 'description_zh', 'description_en', 'walk_minutes'] as const;

/** Checks the route form; `errors` maps a field to an i18n key, `line` says which point of the path is wrong. */
export function parseRouteForm(form: FormData, villages: Set<string>): { input: RouteInput | null; values: FormValues; errors: FieldErrors; line: number | null } {
	const values: FormValues = {};
	for (const f of FIELDS) values[f] = String(form.get(f) ?? '').trim();
	const v = (f: (typeof FIELDS)[number]) => values[f] as string;
	const errors: FieldErrors = {};
	const text = (f: (typeof FIELDS)[number], max: number, required: boolean) => {
		if (required && !v(f)) errors[f] = 'shelters.route.required';
		else if (v(f).length > max) errors[f] = 'shelters.route.too_long';
		return v(f) || null;
	};
	const village_code = v('village_code') || null;
	if (village_code && !villages.has(village_code)) errors.village_code = 'shelters.route.unknown_village';
	const origin_name_zh = text('origin_name_zh', 100, true) ?? '';
	const origin_name_en = text('origin_name_en', 200, true) ?? '';
	const description_zh = text('description_zh', 1000, false);
	const description_en = text('description_en', 2000, false);
	const minutes = Number(v('walk_minutes'));
	if (!v('walk_minutes')) errors.walk_minutes = 'shelters.route.required';
	else if (!Number.isInteger(minutes) || minutes < 1 || minutes > 600) errors.walk_minutes = 'shelters.route.bad_minutes';
	const crs: Crs = v('crs') === 'gcj02' || v('crs') === 'bd09' ? (v('crs') as Crs) : 'wgs84';
	const path = parsePath(v('path'), crs);
	let line: number | null = null;
	if ('error' in path) {
		errors.path = path.error.key;
		line = path.error.line ?? null;
	}
	if (Object.keys(errors).length || 'error' in path) return { input: null, values, errors, line };
	return {
		input: { village_code, origin_name_zh, origin_name_en, path: path.points, description_zh, description_en, walk_minutes: minutes },
		values,
		errors,
		line
	};
}

/** A path as the form shows it: "lat,lon" a line. */
export function pathText(points: [number, number][]): string {
	return points.map(([lon, lat]) => `${lat.toFixed(6)},${lon.toFixed(6)}`).join('\n');
}

export type RouteRecord = RouteInput & { id: string; shelter_id: string; demo: boolean };

export async function getRoute(tx: Queryable, shelterId: string, id: string): Promise<RouteRecord | null> {
	if (!UUID.test(id) || !UUID.test(shelterId)) return null;
	const [row] = await tx.query<Omit<RouteRecord, 'path'> & { path: string }>(
		`select id, shelter_id, village_code, origin_name_zh, origin_name_en, extensions.st_asgeojson(path, 6) as path,
		        description_zh, description_en, walk_minutes, demo
		   from public.evacuation_routes where id = $1 and shelter_id = $2`,
		[id, shelterId]
	);
	return row ? { ...row, path: JSON.parse(row.path).coordinates } : null;
}

const LINE = `extensions.st_setsrid(extensions.st_geomfromgeojson($3), 4326)`;

const params = (r: RouteInput) => [r.village_code, JSON.stringify({ type: 'LineString', coordinates: r.path }), r.origin_name_zh, r.origin_name_en, r.description_zh, r.description_en, r.walk_minutes];

/** A new route; its origin is the line's first point. False when RLS refuses. */
export function createRoute(tx: Queryable, shelterId: string, r: RouteInput): Promise<boolean> {
	if (!UUID.test(shelterId)) return Promise.resolve(false);
	return refusable(async () => {
		const [row] = await tx.query<{ id: string }>(
			`insert into public.evacuation_routes (shelter_id, village_code, path, origin, origin_name_zh, origin_name_en, description_zh, description_en, walk_minutes)
			 values ($1, $2, ${LINE}, extensions.st_startpoint(${LINE}), $4, $5, $6, $7, $8) returning id`,
			[shelterId, ...params(r)]
		);
		return Boolean(row);
	}, false);
}

/**
 * Replaces a route. An origin drawn as an area (an at-risk zone, from an import) is kept;
 * a point origin follows the line's new first point.
 */
export function updateRoute(tx: Queryable, shelterId: string, id: string, r: RouteInput): Promise<boolean> {
	if (!UUID.test(id) || !UUID.test(shelterId)) return Promise.resolve(false);
	return refusable(async () => {
		const rows = await tx.query(
			`update public.evacuation_routes
			    set village_code = $2, path = ${LINE},
			        origin = case when extensions.geometrytype(origin) = 'POINT' then extensions.st_startpoint(${LINE}) else origin end,
			        origin_name_zh = $4, origin_name_en = $5, description_zh = $6, description_en = $7, walk_minutes = $8
			  where id = $1 and shelter_id = $9 returning id`,
			[id, ...params(r), shelterId]
		);
		return rows.length === 1;
	}, false);
}

export function deleteRoute(tx: Queryable, shelterId: string, id: string): Promise<boolean> {
	if (!UUID.test(id) || !UUID.test(shelterId)) return Promise.resolve(false);
	return refusable(async () => (await tx.query('delete from public.evacuation_routes where id = $1 and shelter_id = $2 returning id', [id, shelterId])).length === 1, false);
}


