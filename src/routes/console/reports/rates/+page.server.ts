import { ratesPage } from '$lib/server/reports/rates-page';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => locals.db((tx) => ratesPage(tx, locals.lang));
