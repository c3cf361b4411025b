import * as warnings from '$lib/server/warnings/store';
import { toPublic } from '$lib/server/warnings/view';
import type { PageServerLoad } from './$types';

// The warnings in force lead the home page, most severe first.
export const load: PageServerLoad = async ({ locals }) => ({
	warnings: (await locals.db((tx) => warnings.active(tx))).map((w) => toPublic(w, locals.lang))
});
