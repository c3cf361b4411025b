/**
 * The checks that need PostGIS, for features already parsed: is each geometry valid
 * (a self-intersecting ring is not), and does it lie in the district. Tolerances:
 * a township or village polygon may lie at most 5% of its area outside the district
 * outline (the outline and a township's survey never match to the metre); points must
 * lie within ~1 km of it; water only has to touch the district (rivers flow on).
 */
import type { Queryable } from '../db/port';
import type { Feature, GeoLayer } from './parse';

export type GeoError = { row: number; column: string; message: string; detail?: string };

const OUTSIDE_SHARE = 0.05;
const POINT_TOLERANCE_DEG = 0.01;

export async function checkGeometry(tx: Queryable, layer: GeoLayer, features: Feature[]): Promise<GeoError[]> {
	if (!features.length) return [];
	const rows = await tx.query<{ n: number; valid: boolean; reason: string | null; outside: boolean }>(
		`with f as (
		   select x.n::int as n, extensions.st_setsrid(extensions.st_geomfromgeojson(x.g), 4326) as g
		     from unnest($1::text[]) with ordinality as x (g, n)
		 ), v as (
		   select f.n, f.g, extensions.st_isvalid(f.g) as valid from f
		 )
		 select v.n, v.valid, case when v.valid then null else extensions.st_isvalidreason(v.g) end as reason,
		        case when not v.valid then false
		             when $2 = 'water' then not extensions.st_intersects(d.outline, v.g)
		             when extensions.geometrytype(v.g) in ('POLYGON', 'MULTIPOLYGON')
		               then extensions.st_area(extensions.st_difference(v.g, d.outline)) > $3::float8 * extensions.st_area(v.g)
		             else not extensions.st_dwithin(d.outline, v.g, $4::float8) end as outside
		   from v cross join (select outline from public.district limit 1) d
		  order by v.n`,
		[features.map((f) => JSON.stringify(f.geometry)), layer, OUTSIDE_SHARE, POINT_TOLERANCE_DEG]
	);
	const errors: GeoError[] = [];
	for (const r of rows) {
		const feature = features[r.n - 1]!;
		if (!r.valid) errors.push({ row: feature.row, column: 'geometry', message: 'map.import.invalid_geometry', detail: r.reason ?? undefined });
		else if (r.outside) errors.push({ row: feature.row, column: 'geometry', message: 'map.import.outside_district' });
	}
	return errors;
}
