import { overdueCount } from '$lib/server/reports/sla';
import type { LayoutServerLoad } from './$types';

// hooks.server.ts already sends anyone who is not staff to the sign-in page.
export const load: LayoutServerLoad = async ({ locals }) => {
	const who = locals.identity;
	const me = who.kind === 'staff' ? who : null;
	// The overdue badge: reports past a deadline that this person sees.
	return { me, overdue: me ? await locals.db(overdueCount) : 0 };
};
