import { staffOnly } from '$lib/server/auth/staff-only';
import { isHazardCode } from '$lib/hazards';
import { layersFrom } from '$lib/map/layers';
import { PUBLIC_LAYERS, STAFF_LAYERS } from '$lib/map/types';
import { staffMap } from '$lib/server/map/staff';
import { evacuationLayer } from '$lib/server/evacuation/map';
import type { PageServerLoad } from './$types';

const LAYERS = [...PUBLIC_LAYERS, ...STAFF_LAYERS];

export const load: PageServerLoad = async ({ locals, url }) => {
	staffOnly(locals);
	const raw = url.searchParams.get('hazard');
	const hazard = isHazardCode(raw) ? raw : null;
	const [map, evacuation] = await locals.db(async (tx) => [await staffMap(tx, hazard, locals.lang), await evacuationLayer(tx)] as const);
	return { map, evacuation, on: layersFrom(url.searchParams, LAYERS), layers: LAYERS };
};
