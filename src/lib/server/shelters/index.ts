/**
 * Shelters and evacuation routes, read and changed as the caller: RLS and the
 * shelters_guard trigger decide (everyone reads; admins edit the registry; a township's
 * staff keep its shelters' status, occupancy and note current).
 */
import { createHash } from 'node:crypto';
import { isHazardCode, type HazardCode } from '../../hazards';
import { nearDistrict, WALK_KMH, walkMinutes } from '../../shelters/geo';
import { noticeFor } from '../../shelters/exclusion';
import { nearestOnDevice } from '../../shelters/nearest';
import type { ExcludedShelter, ExclusionRule, NearestAnswer, NearestShelter, ShelterSnapshot, SnapshotRoute, SnapshotShelter, WarningArea } from '../../shelters/types';
import { polygonsOf } from '../../geo';
import { ShelterStatusValues, type ShelterStatus } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { district } from '../district';
import { refusable, UUID } from './registry';

export const MAX_LIMIT = 50;

export type NearestQuery = { lat: number; lon: number; hazard: HazardCode | null; limit: number };

/** Checks the query of GET /api/shelters/nearest; an error names the parameter. */
export function parseNearestQuery(params: URLSearchParams): { query: NearestQuery } | { parameter: string; error: string } {
	const number = (name: string) => {
		const raw = params.get(name);
		return raw === null || raw.trim() === '' ? NaN : Number(raw);
	};
	const lat = number('lat');
	const lon = number('lon');
	if (!Number.isFinite(lat) || lat < -90 || lat > 90) return { parameter: 'lat', error: 'lat must be a latitude in degrees (WGS84)' };
	if (!Number.isFinite(lon) || lon < -180 || lon > 180) return { parameter: 'lon', error: 'lon must be a longitude in degrees (WGS84)' };
	if (!nearDistrict(lat, lon)) return { parameter: 'lat', error: 'lat/lon must be in or near Miyun District' };
	const hazardRaw = params.get('hazard');
	let hazard: HazardCode | null = null;
	if (hazardRaw !== null && hazardRaw !== '') {
		if (!isHazardCode(hazardRaw)) return { parameter: 'hazard', error: 'hazard must be a known hazard code' };
		hazard = hazardRaw;
	}
	const limitRaw = params.get('limit');
	const limit = limitRaw === null || limitRaw === '' ? 5 : Number(limitRaw);
	if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return { parameter: 'limit', error: `limit must be an integer from 1 to ${MAX_LIMIT}` };
	return { query: { lat, lon, hazard, limit } };
}

type NearestRow = Omit<NearestShelter, 'walk_minutes'> &
	Pick<ExcludedShelter, 'warning_id' | 'warning_level' | 'warning_hazard' | 'reason_zh' | 'reason_en'> & { excluded_reason: ExcludedShelter['reason'] | null };

/** The nearest open shelters suitable for the hazard, and the near ones left out with the reason. */
export async function nearest(tx: Queryable, q: NearestQuery): Promise<NearestAnswer> {
	const rows = await tx.query<NearestRow>('select * from public.nearest_shelters($1, $2, $3, $4)', [q.lat, q.lon, q.hazard, q.limit]);
	const shelters: NearestShelter[] = [];
	const excluded: ExcludedShelter[] = [];
	for (const { excluded_reason, warning_id, warning_level, warning_hazard, reason_zh, reason_en, ...row } of rows) {
		const distance_m = Math.round(row.distance_m);
		if (excluded_reason) {
			excluded.push({ id: row.id, name_zh: row.name_zh, name_en: row.name_en, reason: excluded_reason, warning_id, warning_level, warning_hazard, reason_zh, reason_en, distance_m });
		} else {
			shelters.push({ ...row, distance_m, walk_minutes: walkMinutes(distance_m) });
		}
	}
	return { shelters, excluded, hazard: q.hazard, notice: noticeFor(shelters, excluded), walk_kmh: WALK_KMH, as_of: new Date().toISOString() };
}

/**
 * The same answer from a snapshot held in memory (the read model's, with the warning areas
 * in force): the device's rule, one module, compared with nearest() on both backends in
 * exclusion.spec.ts. Distances are haversine (within 0.5% of the spheroid's).
 */
export function nearestFromModel(snapshot: ShelterSnapshot, q: NearestQuery): NearestAnswer {
	return nearestOnDevice(snapshot, q.lat, q.lon, q.hazard, q.limit);
}

const SHELTER_COLUMNS = `s.id, s.name_zh, s.name_en, s.address, s.town_code,
	extensions.st_y(s.position::extensions.geometry) as lat, extensions.st_x(s.position::extensions.geometry) as lon,
	s.class, s.indoor, s.area_m2, s.capacity, s.occupancy, s.status, s.hazards::text[] as hazards,
	s.facilities::text[] as facilities, s.phone, s.note, s.demo, s.updated_at`;

/** Everything a device needs to find a shelter offline. `version` changes when any of it does. */
export async function snapshot(tx: Queryable): Promise<ShelterSnapshot> {
	const shelters = await tx.query<SnapshotShelter & { updated_at: Date | string }>(
		`select ${SHELTER_COLUMNS} from public.shelters s where s.retired_at is null order by s.town_code, s.name_zh`
	);
	const routes = await tx.query<Omit<SnapshotRoute, 'path'> & { path: string }>(
		`select r.id, r.shelter_id, r.origin_name_zh, r.origin_name_en, extensions.st_asgeojson(r.path, 6) as path, r.walk_minutes, r.demo
		   from public.evacuation_routes r join public.shelters s on s.id = r.shelter_id
		  where s.retired_at is null order by r.origin_name_zh`
	);
	const [bounds] = await tx.query<{ outline: string }>(
		`select extensions.st_asgeojson(extensions.st_simplifypreservetopology(outline, 0.002), 4) as outline from public.district limit 1`
	);
	const towns = (await district(tx)).towns.map(({ code, name_zh, name_en, lat, lon }) => ({ code, name_zh, name_en, lat, lon }));
	// The rule and the areas it applies to now, so the device leaves out what the server does.
	const exclusion = await tx.query<ExclusionRule>('select hazard, excludes, reason_zh, reason_en from public.hazard_shelter_exclusion order by hazard');
	const areas = await tx.query<Omit<WarningArea, 'area'> & { area: string }>(
		`select a.warning_id, a.hazard, a.level, extensions.st_asgeojson(a.area, 6) as area
		   from app.shelter_exclusion_areas() a order by a.warning_id, a.hazard`
	);
	// Simplifying may turn the MultiPolygon into a Polygon: either way, a list of rings.
	const shape = bounds ? (JSON.parse(bounds.outline) as { type: string; coordinates: unknown }) : null;
	const outline = !shape ? [] : shape.type === 'Polygon' ? (shape.coordinates as [number, number][][]) : (shape.coordinates as [number, number][][][]).flat();
	const body = {
		walk_kmh: WALK_KMH,
		shelters: shelters.map((s) => ({ ...s, updated_at: new Date(s.updated_at).toISOString() })),
		routes: routes.map((r) => ({ ...r, path: JSON.parse(r.path).coordinates as [number, number][] })),
		outline,
		towns,
		exclusion,
		warning_areas: areas.map((a) => ({ ...a, area: polygonsOf(a.area) }))
	};
	const version = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
	return { version, as_of: new Date().toISOString(), ...body };
}

export type ShelterDetail = SnapshotShelter & {
	contact: string | null;
	retired_at: Date | null;
	/** The active warning whose area leaves this shelter out (public.hazard_shelter_exclusion), if any. */
	warning: { warning_id: string; hazard: HazardCode; level: WarningArea['level']; reason_zh: string; reason_en: string } | null;
	routes: (SnapshotRoute & { description_zh: string | null; description_en: string | null })[];
};

export async function get(tx: Queryable, id: string): Promise<ShelterDetail | null> {
	if (!UUID.test(id)) return null;
	const [row] = await tx.query<Omit<ShelterDetail, 'routes'>>(
		`select ${SHELTER_COLUMNS}, s.contact, s.retired_at,
		        (select to_jsonb(w) from (
		           select a.warning_id, a.hazard, a.level, x.reason_zh, x.reason_en
		             from app.shelter_exclusion_areas() a join public.hazard_shelter_exclusion x on x.hazard = a.hazard
		            where extensions.st_intersects(a.area, s.position::extensions.geometry)
		            order by a.level desc, a.hazard limit 1) w) as warning
		   from public.shelters s where s.id = $1`,
		[id]
	);
	if (!row) return null;
	const routes = await tx.query<ShelterDetail['routes'][number] & { path: string }>(
		`select id, shelter_id, origin_name_zh, origin_name_en, extensions.st_asgeojson(path, 6) as path, walk_minutes, demo,
		        description_zh, description_en
		   from public.evacuation_routes where shelter_id = $1 order by walk_minutes`,
		[id]
	);
	return { ...row, routes: routes.map((r) => ({ ...r, path: JSON.parse(r.path as unknown as string).coordinates })) };
}

export type ConsoleShelter = Pick<SnapshotShelter, 'id' | 'name_zh' | 'name_en' | 'town_code' | 'status' | 'capacity' | 'occupancy' | 'note' | 'demo'> & {
	retired_at: Date | null;
	updated_at: Date;
	editable: boolean;
};

/** The console's list: what the caller sees, and whether they may update each one (those first: a township's staff find theirs at the top). */
export function listForStaff(tx: Queryable): Promise<ConsoleShelter[]> {
	return tx.query<ConsoleShelter>(
		`select s.id, s.name_zh, s.name_en, s.town_code, s.status, s.capacity, s.occupancy, s.note, s.demo, s.retired_at, s.updated_at,
		        (app.is_admin() or coalesce(s.town_code = app.staff_town(), false)) as editable
		   from public.shelters s
		  order by s.retired_at nulls first, editable desc, s.town_code, s.name_zh`
	);
}

export type LivePatch = { status: ShelterStatus; occupancy: number; note: string | null };
export type LiveErrors = Partial<Record<keyof LivePatch, string>>;

/** Checks the status form; messages are i18n keys. */
export function parseLive(form: FormData): { patch: LivePatch; errors: LiveErrors } {
	const status = String(form.get('status') ?? '');
	const occupancyRaw = String(form.get('occupancy') ?? '').trim();
	const note = String(form.get('note') ?? '').trim();
	const errors: LiveErrors = {};
	const occupancy = occupancyRaw === '' ? 0 : Number(occupancyRaw);
	if (!(ShelterStatusValues as readonly string[]).includes(status)) errors.status = 'errors.required';
	if (!Number.isInteger(occupancy) || occupancy < 0 || occupancy > 1_000_000) errors.occupancy = 'shelters.console.bad_occupancy';
	if (note.length > 500) errors.note = 'errors.too_long';
	return { patch: { status: status as ShelterStatus, occupancy, note: note || null }, errors };
}

/** Returns false when RLS or the guard refuses (nothing is written). */
export async function updateLive(tx: Queryable, id: string, patch: LivePatch): Promise<boolean> {
	if (!UUID.test(id)) return false;
	return refusable(async () => {
		const rows = await tx.query('update public.shelters set status = $2, occupancy = $3, note = $4 where id = $1 returning id', [
			id,
			patch.status,
			patch.occupancy,
			patch.note
		]);
		return rows.length === 1;
	}, false);
}

/** Takes a shelter out of service (admins); it disappears from the public list and search. */
export async function retire(tx: Queryable, id: string, retired: boolean): Promise<boolean> {
	if (!UUID.test(id)) return false;
	return refusable(async () => {
		const rows = await tx.query(`update public.shelters set retired_at = case when $2 then now() end where id = $1 returning id`, [id, retired]);
		return rows.length === 1;
	}, false);
}
