import { isHazardCode } from '$lib/hazards';
import { layersFrom } from '$lib/map/layers';
import { PUBLIC_LAYERS } from '$lib/map/types';
import { publicMap } from '$lib/server/map/layers';
import type { PageServerLoad } from './$types';

/** Works without JavaScript: ?hazard= picks the shelters drawn, ?set=1&layer=… the layers shown. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const raw = url.searchParams.get('hazard');
	const hazard = isHazardCode(raw) ? raw : null;
	const map = await locals.db((tx) => publicMap(tx, hazard, locals.lang));
	return { map, on: layersFrom(url.searchParams, PUBLIC_LAYERS) };
};
