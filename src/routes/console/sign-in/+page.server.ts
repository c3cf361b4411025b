import { fail, redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { FORM_MALFORMED, readForm } from '$lib/server/http';
import { services } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

/** Only same-site paths, so a crafted ?next= cannot send staff to another site. */
function safeNext(next: string | null): string {
	return next && next.startsWith('/console') && !next.startsWith('//') ? next : '/console';
}

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.identity.kind === 'staff') redirect(303, safeNext(url.searchParams.get('next')));
	return { provider: services().auth.provider };
};

export const actions: Actions = {
	default: async ({ request, cookies, url, getClientAddress }) => {
		const errors: { email?: string; password?: string } = {};
		const form = await readForm(request);
		if (!form) return fail(400, { email: '', errors, message: FORM_MALFORMED, minutes: 0 });
		const email = String(form.get('email') ?? '').trim();
		const password = String(form.get('password') ?? '');
		if (!email) errors.email = 'errors.required';
		else if (email.length > 320) errors.email = 'errors.too_long';
		if (!password) errors.password = 'errors.required';
		else if (password.length > 200) errors.password = 'errors.too_long';
		if (Object.keys(errors).length) return fail(400, { email, errors, message: null, minutes: 0 });

		const result = await services().auth.signIn(
			email,
			password,
			getClientAddress(),
			request.headers.get('user-agent') ?? ''
		);
		if (!result.ok) {
			// The same answer whether or not the account exists.
			if (result.reason === 'locked') {
				return fail(429, { email, errors, message: 'errors.sign_in_locked', minutes: Math.ceil(result.retryAfterSeconds / 60) });
			}
			// Supabase unreachable: say so, rather than blame the password.
			if (result.reason === 'unavailable') return fail(503, { email, errors, message: 'errors.sign_in_unavailable', minutes: 0 });
			return fail(400, { email, errors, message: 'errors.sign_in_invalid', minutes: 0 });
		}
		setSessionCookie(cookies, result.token, result.expiresAt, result.refreshToken);
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
