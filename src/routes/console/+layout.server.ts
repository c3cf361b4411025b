import type { LayoutServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: LayoutServerLoad = ({ locals, route }) => {
	// The sign-in page is the one console page open to anyone.
	if (route.id === '/console/sign-in') return { me: locals.identity.kind === 'staff' ? locals.identity : null };
	return { me: staffOnly(locals) };
};
