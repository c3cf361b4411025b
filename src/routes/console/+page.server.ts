import type { PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';
import { nameOf } from '$lib/server/district';

export const load: PageServerLoad = async ({ locals }) => {
	const who = staffOnly(locals);
	const names = await locals.db((tx) => nameOf(tx, locals.lang));
	const unit = (who.departmentCode && names.get(who.departmentCode)) || (who.townCode && names.get(who.townCode)) || null;
	return { unit };
};
