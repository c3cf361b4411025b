import { error } from '@sveltejs/kit';
import { touchesApproximate } from '$lib/server/geography/areas';
import { duringSection } from '$lib/server/guides';
import { publicData } from '$lib/server/public/read-model';
import { services } from '$lib/server/runtime';
import { toPublic } from '$lib/server/warnings/view';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params }) => {
	if (!UUID.test(params.id)) error(404, 'not found');
	const model = publicData(services().db);
	const found = await model.thread(params.id.toLowerCase());
	if (!found) error(404, 'not found');
	const data = await model.get();
	return {
		warning: { ...toPublic(found.current, locals.lang), geojson: found.area },
		history: found.history.map((m) => toPublic(m, locals.lang)).reverse(),
		outline: data.outline,
		// The page is rendered once per data version, so this one query is rare; without the
		// database the note stays, which is the careful side.
		approximate: found.area ? await locals.db((tx) => touchesApproximate(tx, found.area!)).catch(() => true) : true,
		// "What to do now" from the hazard's guide, shown inline under the issuer's instruction.
		guide: duringSection(locals.lang, found.current.hazard),
		asOf: data.asOf,
		version: data.version
	};
};
