/**
 * Areas to geometry, in PostGIS: polygons and circles as given, township geocodes as
 * the township's area (public.town_areas: imported, or APPROXIMATE cells around the
 * township's sourced points — seat and scenic areas), village geocodes as their
 * township's area (the reference data has no village outlines). A township with no area
 * yet is still a target: it resolves to the whole district (`districtWide`), the same
 * over-informing rule its villages' subscriptions follow (public.village_areas).
 * Also: who an area touches.
 */
import type { Queryable } from '../db/port';
import { areaProblem, TOWN_CODE, type AreaSpec, type FieldErrors } from './model';

type Place = { code: string; name_zh: string; name_en: string };
/**
 * `named`: the places picked by geocode, else the townships the area overlaps.
 * `districtWide`: the picked places whose township has no area yet, matched district-wide.
 */
export type Resolved = { geojson: string; named: Place[]; districtWide: Place[] };

// "Touching" a township is one SQL rule (app.area_touches), shared with the fan-out's village step.
const TOUCHES = (area: string, place: string) => `app.area_touches(${area}, ${place})`;

// A township's area, or the whole district while it has none (district_wide).
const TOWN_OR_DISTRICT = (code: string) => `
	coalesce((select extensions.st_asgeojson(a.area) from public.town_areas a where a.code = ${code}),
	         (select extensions.st_asgeojson(d.outline) from public.district d limit 1)) as geojson,
	not exists (select 1 from public.town_areas a where a.code = ${code}) as district_wide`;

type Got = { geojson: string; place?: Place; districtWide?: boolean };

async function specGeometry(tx: Queryable, area: AreaSpec): Promise<Got | { error: string }> {
	if (area.kind === 'geocode') {
		const town = TOWN_CODE.test(area.code) ? area.code : null;
		const [row] = await tx.query<Place & { geojson: string | null; district_wide: boolean }>(
			town
				? `select t.code, t.name_zh, t.name_en, ${TOWN_OR_DISTRICT('t.code')} from public.towns t where t.code = $1`
				: `select v.code, v.name_zh, v.name_en, ${TOWN_OR_DISTRICT('v.town_code')} from public.villages v where v.code = $1`,
			[area.code]
		);
		if (!row) return { error: 'warnings.err_geocode_unknown' };
		const { geojson, district_wide, ...place } = row;
		return geojson ? { geojson, place, districtWide: district_wide } : { error: 'warnings.err_geocode_no_area' };
	}
	if (area.kind === 'circle') {
		const [row] = await tx.query<{ geojson: string }>(
			`select extensions.st_asgeojson(extensions.st_buffer(
			   extensions.st_setsrid(extensions.st_makepoint($1, $2), 4326)::extensions.geography, $3::float8 * 1000, 32)::extensions.geometry) as geojson`,
			[area.centre[1], area.centre[0], area.radiusKm]
		);
		return { geojson: row!.geojson };
	}
	const polygon = JSON.stringify({ type: 'Polygon', coordinates: [area.points.map(([lat, lon]) => [lon, lat])] });
	const [row] = await tx.query<{ valid: boolean; geojson: string }>(
		`select extensions.st_isvalid(g) as valid, extensions.st_asgeojson(g) as geojson
		   from (select extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326) as g) p`,
		[polygon]
	);
	return row!.valid ? { geojson: row!.geojson } : { error: 'warnings.err_polygon_invalid' };
}

/** The union of the areas, or field errors (key `area`) when one cannot be resolved or misses the district. */
export async function resolveAreas(tx: Queryable, areas: AreaSpec[]): Promise<Resolved | { errors: FieldErrors }> {
	const parts: string[] = [];
	const named: Place[] = [];
	const districtWide: Place[] = [];
	if (!areas.length) return { errors: { area: 'warnings.err_area_required' } };
	for (const area of areas) {
		const problem = areaProblem(area);
		if (problem) return { errors: { area: problem } };
		const got = await specGeometry(tx, area);
		if ('error' in got) return { errors: { area: got.error } };
		parts.push(got.geojson);
		if (got.place) named.push(got.place);
		if (got.place && got.districtWide) districtWide.push(got.place);
	}
	const [row] = await tx.query<{ geojson: string; inside: boolean }>(
		// Clipped to the district's surroundings: a legal CAP area may span a continent, and
		// only the part within reach of Miyun's subscribers matters (and is cut into cells).
		`with parts as (select extensions.st_setsrid(extensions.st_geomfromgeojson(p), 4326) as g from unnest($1::text[]) p),
		      near as (select extensions.st_expand(extensions.st_envelope(d.outline), 0.1) as g from public.district d limit 1),
		      joined as (select extensions.st_union(g) as g from parts),
		      u as (select extensions.st_multi(extensions.st_collectionextract(extensions.st_intersection(joined.g, near.g), 3)) as g from joined, near)
		 select extensions.st_asgeojson(u.g) as geojson,
		        exists (select 1 from public.district d where extensions.st_intersects(d.outline, u.g)) as inside
		   from u`,
		[parts]
	);
	if (!row?.inside) return { errors: { area: 'warnings.err_outside_district' } };
	if (named.length) return { geojson: row.geojson, named, districtWide };
	return { geojson: row.geojson, named: (await affected(tx, row.geojson)).towns, districtWide };
}

export type Affected = {
	towns: Place[];
	villages: number;
	scenic: { id: string; name_zh: string; name_en: string }[];
};

/** Who an area touches (interiors overlap, not just borders): townships (approximate), their villages, scenic areas. */
export async function affected(tx: Queryable, geojson: string): Promise<Affected> {
	const [row] = await tx.query<{ towns: Affected['towns'] | null; villages: number; scenic: Affected['scenic'] | null }>(
		`with g as (select extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326) as g),
		      t as (select t.code, t.name_zh, t.name_en from public.towns t join public.town_areas a on a.code = t.code, g
		             where ${TOUCHES('g.g', 'a.area')})
		 select (select json_agg(t order by t.code) from t) as towns,
		        (select count(*)::int from public.villages v where v.town_code in (select code from t)) as villages,
		        (select json_agg(json_build_object('id', s.id, 'name_zh', s.name_zh, 'name_en', s.name_en) order by s.sort)
		           from public.scenic_areas s, g
		          where app.scenic_in_area(g.g, s.location, s.town_code)) as scenic`,
		[geojson]
	);
	return { towns: row?.towns ?? [], villages: row?.villages ?? 0, scenic: row?.scenic ?? [] };
}
