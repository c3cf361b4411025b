import { staffOnly } from '$lib/server/auth/staff-only';
import { error } from '@sveltejs/kit';
import { exportLayer, GEO_LAYERS, type GeoLayer } from '$lib/server/geography';
import { exportPoints } from '$lib/server/geography/hazard-points';
import type { RequestHandler } from './$types';

/** A layer in the import format (WGS84 GeoJSON), as the caller may read it. */
export const GET: RequestHandler = async ({ locals, url }) => {
	staffOnly(locals);
	const layer = url.searchParams.get('layer') ?? '';
	if (!(GEO_LAYERS as readonly string[]).includes(layer)) error(400, `layer must be one of ${GEO_LAYERS.join(', ')}`);
	const body = await locals.db((tx) => (layer === 'hazard_points' ? exportPoints(tx) : exportLayer(tx, layer as Exclude<GeoLayer, 'hazard_points'>)));
	return new Response(body, {
		headers: { 'content-type': 'application/geo+json', 'content-disposition': `attachment; filename="miyun-${layer}.geojson"`, 'cache-control': 'no-store' }
	});
};
