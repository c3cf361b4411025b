import { formOf } from '$lib/server/http';
import { fail, redirect } from '@sveltejs/kit';
import { services } from '$lib/server/runtime';
import { normalisePhone, requestCode, setVolunteerCookie, verifyCode } from '$lib/server/volunteers/sign-in';
import type { Actions, PageServerLoad } from './$types';

/** Only this app's volunteer pages, so a crafted ?next= cannot send people elsewhere. */
function safeNext(next: string | null): string {
	return next && /^\/volunteer(\/[A-Za-z0-9/_-]*)?$/.test(next) ? next : '/volunteer/me';
}

export const load: PageServerLoad = ({ locals, url }) => {
	const next = url.searchParams.get('next');
	if (locals.volunteer) redirect(303, safeNext(next));
	// Named actions post to `?/name`: the destination rides along as `&next=`.
	return { nextQuery: next ? `&next=${encodeURIComponent(safeNext(next))}` : '' };
};

export const actions: Actions = {
	send: async ({ request, getClientAddress }) => {
		const form = await formOf(request);
		const input = String(form.get('phone') ?? '').trim();
		// Asking again too soon keeps the code step: the code already sent still works.
		const again = form.get('again') === '1';
		const phone = normalisePhone(input);
		if (!phone) return fail(400, { step: 'phone', phone: input, errors: { phone: 'volunteer.errors.phone' }, message: null, seconds: 0 });
		const sent = await requestCode(services().db, services().delivery.codes, phone, getClientAddress(), services().auth.phoneOtp);
		if (!sent.ok && sent.unavailable) {
			return fail(503, { step: again ? 'code' : 'phone', phone: again ? phone : input, errors: {}, message: 'volunteer.errors.sms_unavailable', seconds: 0 });
		}
		if (!sent.ok) {
			return fail(429, { step: again ? 'code' : 'phone', phone: again ? phone : input, errors: {}, message: 'volunteer.errors.too_many_codes', seconds: sent.retryAfterSeconds });
		}
		return { step: 'code', phone, errors: {}, message: null, seconds: 0 };
	},
	verify: async ({ request, cookies, url }) => {
		const form = await formOf(request);
		const phone = normalisePhone(String(form.get('phone') ?? ''));
		const code = String(form.get('code') ?? '').trim();
		if (!phone) return fail(400, { step: 'phone', phone: '', errors: { phone: 'volunteer.errors.phone' }, message: null, seconds: 0 });
		if (!/^[0-9]{6}$/.test(code)) {
			return fail(400, { step: 'code', phone, errors: { code: 'volunteer.errors.code_format' }, message: null, seconds: 0 });
		}
		const result = await verifyCode(services().db, phone, code, services().auth.phoneOtp);
		if (!result.ok && result.reason === 'unavailable') {
			return fail(503, { step: 'code', phone, errors: {}, message: 'volunteer.errors.sms_unavailable', seconds: 0 });
		}
		if (!result.ok) {
			return fail(400, { step: 'code', phone, errors: { code: `volunteer.errors.code_${result.reason}` }, message: null, seconds: 0 });
		}
		setVolunteerCookie(cookies, result.token, result.expiresAt);
		const next = safeNext(url.searchParams.get('next'));
		redirect(303, result.user.name ? next : `/volunteer/me?next=${encodeURIComponent(next)}`);
	}
};
