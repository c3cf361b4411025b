/**
 * Whether an area still depends on approximate township areas: pages keep their
 * "township areas are approximate" note only then, so it disappears for warnings
 * whose townships all have imported boundaries.
 */
import type { Queryable } from '../db/port';

/** True when the area overlaps (beyond a border sliver) a township whose area is a Voronoi cell. */
export async function touchesApproximate(tx: Queryable, geojson: string): Promise<boolean> {
	const [row] = await tx.query<{ approximate: boolean }>(
		`with g as (select extensions.st_setsrid(extensions.st_geomfromgeojson($1), 4326) as g)
		 select exists (select 1 from public.town_areas a, g
		                 where a.approximate and extensions.st_intersects(a.area, g.g)
		                   and extensions.st_area(extensions.st_intersection(a.area, g.g)::extensions.geography) > 50000) as approximate`,
		[geojson]
	);
	return row?.approximate ?? true;
}

/** The township a located point lies in (public.town_at: the rule is SQL), or null outside the district. */
export async function townAt(tx: Queryable, lat: number, lon: number): Promise<string | null> {
	const [row] = await tx.query<{ code: string | null }>('select public.town_at($1, $2) as code', [lon, lat]);
	return row?.code ?? null;
}
