import { error } from '@sveltejs/kit';
import { touchesApproximate } from '$lib/server/geography/areas';
import { duringSection } from '$lib/server/guides';
import * as warnings from '$lib/server/warnings/store';
import { toPublic, withArea } from '$lib/server/warnings/view';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params }) => {
	if (!UUID.test(params.id)) error(404, 'not found');
	const found = await locals.db(async (tx) => {
		const current = await warnings.current(tx, params.id);
		if (!current) return null;
		const history = (await warnings.thread(tx, params.id)).filter((m) => m.sent);
		const warning = await withArea(tx, current, locals.lang);
		return {
			warning,
			approximate: warning.geojson ? await touchesApproximate(tx, warning.geojson) : true,
			history: history.map((m) => toPublic(m, locals.lang)).reverse(),
			outline: await warnings.districtOutline(tx)
		};
	});
	if (!found) error(404, 'not found');
	// "What to do now" from the hazard's guide, shown inline under the issuer's instruction.
	return { ...found, guide: duringSection(locals.lang, found.warning.hazard), asOf: new Date() };
};
