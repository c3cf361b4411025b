import { AREA_TARGET_M2_PER_RESIDENT, figures } from '$lib/server/shelters/planning';
import type { PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals);
	return { towns: await locals.db(figures), target: AREA_TARGET_M2_PER_RESIDENT };
};
