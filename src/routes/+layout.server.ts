import { messagesFor } from '$lib/server/i18n';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	const who = locals.identity;
	return {
		lang: locals.lang,
		messages: messagesFor(locals.lang),
		staff: who.kind === 'staff' ? { email: who.email, role: who.role, name: who.displayName } : null
	};
};
