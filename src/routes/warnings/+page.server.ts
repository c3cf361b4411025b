import * as warnings from '$lib/server/warnings/store';
import { withArea } from '$lib/server/warnings/view';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const found = await locals.db(async (tx) => {
		const active = await warnings.active(tx);
		return {
			warnings: await Promise.all(active.map((w) => withArea(tx, w, locals.lang))),
			outline: await warnings.districtOutline(tx)
		};
	});
	return { ...found, asOf: new Date() };
};
