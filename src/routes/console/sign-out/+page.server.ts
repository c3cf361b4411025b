import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import { services } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

// Signing out changes state, so it is a POST (the console's button); a GET only shows that button.
export const load: PageServerLoad = () => ({});

export const actions: Actions = {
	default: async ({ locals, cookies }) => {
		if (locals.identity.kind === 'staff' && locals.sessionToken) {
			await services().auth.signOut(locals.identity, locals.sessionToken);
		}
		clearSessionCookie(cookies);
		redirect(303, '/console/sign-in');
	}
};
