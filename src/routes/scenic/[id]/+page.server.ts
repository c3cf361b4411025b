import { error } from '@sveltejs/kit';
import * as scenic from '$lib/server/scenic';
import * as warnings from '$lib/server/warnings/store';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const found = await locals.db(async (tx) => ({ area: await scenic.get(tx, params.id), outline: await warnings.districtOutline(tx) }));
	if (!found.area) error(404, 'not found');
	return { area: found.area, outline: found.outline, asOf: new Date() };
};
