import type { PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';
import { nameOf } from '$lib/server/district';
import { waitingFor } from '$lib/server/console/waiting';

export const load: PageServerLoad = async ({ locals }) => {
	const who = staffOnly(locals);
	return locals.db(async (tx) => {
		const names = await nameOf(tx, locals.lang);
		const unit = (who.departmentCode && names.get(who.departmentCode)) || (who.townCode && names.get(who.townCode)) || null;
		return { unit, waiting: await waitingFor(tx) };
	});
};
