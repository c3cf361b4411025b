import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	const who = locals.identity;
	return {
		lang: locals.lang,
		staff: who.kind === 'staff' ? { email: who.email, role: who.role, name: who.displayName } : null
	};
};
