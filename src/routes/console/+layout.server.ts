import type { LayoutServerLoad } from './$types';

// hooks.server.ts already sends anyone who is not staff to the sign-in page.
export const load: LayoutServerLoad = ({ locals }) => {
	const who = locals.identity;
	return { me: who.kind === 'staff' ? who : null };
};
