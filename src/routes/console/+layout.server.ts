import { can } from '$lib/server/auth/can';
import { overdueCount } from '$lib/server/reports/sla';
import type { LayoutServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: LayoutServerLoad = async ({ locals, route }) => {
	// The sign-in page is the one console page open to anyone.
	if (route.id === '/console/sign-in') return { me: locals.identity.kind === 'staff' ? locals.identity : null, overdue: 0, admin: false };
	const me = staffOnly(locals);
	// The overdue badge: reports past a deadline that this person sees. `admin` shows admins' links (the database decides).
	return { me, ...(await locals.db(async (tx) => ({ overdue: await overdueCount(tx), admin: await can(tx, 'administer') }))) };
};
