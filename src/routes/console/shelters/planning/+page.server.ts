import { AREA_TARGET_M2_PER_RESIDENT, figures } from '$lib/server/shelters/planning';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	towns: await locals.db(figures),
	target: AREA_TARGET_M2_PER_RESIDENT
});
