/**
 * The one map (应急管理"一张图"): every public layer at district scale, read in one
 * transaction as the caller (RLS decides; nothing personal is public). Geometry is
 * simplified for drawing: ~100 m at district scale is below a pixel on a phone.
 */
import type { HazardCode } from '../../db-types.gen';
import type { Lang } from '../../i18n';
import { infoFor } from '../../warnings';
import type { MapHazardPoint, MapRoute, MapScenic, MapShelter, MapTown, MapWater, MapWarning, PinPlaces, PublicMap } from '../../map/types';
import type { Queryable } from '../db/port';
import * as scenic from '../scenic';
import * as warnings from '../warnings/store';

const SIMPLIFY = 0.001;

/** Every township with its area (real or approximate) and seat. */
function townsLayer(tx: Queryable): Promise<MapTown[]> {
	return tx.query<MapTown>(
		`select t.code, t.name_zh, t.name_en,
		        extensions.st_asgeojson(extensions.st_simplifypreservetopology(a.area, ${SIMPLIFY}), 4) as area,
		        coalesce(a.approximate, true) as approximate, extensions.st_y(t.seat) as lat, extensions.st_x(t.seat) as lon
		   from public.towns t left join public.town_areas a on a.code = t.code order by t.code`
	);
}

export async function publicMap(tx: Queryable, hazard: HazardCode | null, lang: Lang): Promise<PublicMap> {
	const outline = await warnings.districtOutline(tx);
	const towns = await townsLayer(tx);
	const active = await warnings.active(tx);
	const areas = await tx.query<{ id: string; area: string }>(
		`select id, extensions.st_asgeojson(extensions.st_simplifypreservetopology(area, 0.0005), 4) as area
		   from public.warnings where id = any($1::uuid[])`,
		[active.map((w) => w.id)]
	);
	const warningLayer: MapWarning[] = active.flatMap((w) => {
		const area = areas.find((a) => a.id === w.id)?.area;
		return area ? [{ threadId: w.threadId, level: w.level, hazard: w.hazard, status: w.status, headline: infoFor(w.infos, lang)?.headline ?? '', area }] : [];
	});
	const shelters = await tx.query<MapShelter>(
		`select s.id, s.name_zh, s.name_en, extensions.st_y(s.position::extensions.geometry) as lat,
		        extensions.st_x(s.position::extensions.geometry) as lon, s.status, s.capacity, s.occupancy,
		        ($1::public.hazard_code is null or $1::public.hazard_code = any(s.hazards)) as suitable, s.demo
		   from public.shelters s where s.retired_at is null order by s.name_zh`,
		[hazard]
	);
	const routes = (
		await tx.query<Omit<MapRoute, 'path'> & { path: string }>(
			`select r.id, r.shelter_id, extensions.st_asgeojson(r.path, 5) as path, r.demo
			   from public.evacuation_routes r join public.shelters s on s.id = r.shelter_id where s.retired_at is null`
		)
	).map((r) => ({ ...r, path: (JSON.parse(r.path) as { coordinates: [number, number][] }).coordinates }));
	const scenicLayer: MapScenic[] = (await scenic.list(tx)).flatMap((s) =>
		s.lat === null || s.lon === null ? [] : [{ id: s.id, name_zh: s.name_zh, name_en: s.name_en, lat: s.lat, lon: s.lon, state: s.state }]
	);
	const hazardPoints = await tx.query<MapHazardPoint>(
		`select h.id, h.ref, h.kind, extensions.st_y(h.location) as lat, extensions.st_x(h.location) as lon, h.people, h.demo
		   from public.hazard_points h order by h.ref`
	);
	const water = await tx.query<MapWater>(
		`select w.ref as id, w.kind, w.name_zh, w.name_en,
		        extensions.st_asgeojson(extensions.st_simplifypreservetopology(w.geom, 0.0005), 4) as geometry
		   from public.water_features w order by w.kind desc, w.ref`
	);
	return { outline, towns, warnings: warningLayer, shelters, routes, scenic: scenicLayer, hazardPoints, water, hazard, asOf: new Date().toISOString() };
}

/** What the report form's pin map needs: the outline, township areas, and village places as points. */
export async function pinPlaces(tx: Queryable): Promise<PinPlaces> {
	const outline = await warnings.districtOutline(tx);
	const towns = await townsLayer(tx);
	const villages = await tx.query<PinPlaces['villages'][number]>(
		`select v.code, v.town_code, extensions.st_y(extensions.st_pointonsurface(p.geom)) as lat,
		        extensions.st_x(extensions.st_pointonsurface(p.geom)) as lon
		   from public.village_places p join public.villages v on v.code = p.village_code order by v.code`
	);
	return { outline, towns, villages };
}
