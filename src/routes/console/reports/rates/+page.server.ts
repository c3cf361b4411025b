import { ratesPage } from '$lib/server/reports/rates-page';
import type { PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals);
	return locals.db((tx) => ratesPage(tx, locals.lang));
};
