import { formOf } from '$lib/server/http';
import { fail, redirect } from '@sveltejs/kit';
import { services } from '$lib/server/runtime';
import * as people from '$lib/server/volunteers/people';
import { towns } from '$lib/server/district';
import { checkInUrl, qrSvg } from '$lib/server/volunteers/qr';
import { mine } from '$lib/server/volunteers/registrations';
import { clearVolunteerCookie, signOut, VOLUNTEER_COOKIE } from '$lib/server/volunteers/sign-in';
import type { Actions, PageServerLoad } from './$types';

function safeNext(next: string | null): string | null {
	return next && /^\/volunteer(\/[A-Za-z0-9/_-]*)?$/.test(next) ? next : null;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const me = locals.volunteer;
	if (!me) redirect(303, '/volunteer/sign-in');
	const found = await locals.db(async (tx) => ({
		profile: (await people.profile(tx, me.userId))!,
		registrations: await mine(tx, me.userId),
		towns: await towns(tx)
	}));
	const live = found.registrations.filter((r) => r.status !== 'cancelled' && new Date(r.ends_at) > new Date());
	const qrs = Object.fromEntries(
		await Promise.all(live.filter((r) => r.status === 'confirmed').map(async (r) => [r.id, await qrSvg(checkInUrl(url.origin, r.event_id, r.code))] as const))
	);
	return { ...found, live, qrs, past: found.registrations.filter((r) => !live.includes(r)), next: safeNext(url.searchParams.get('next')) };
};

export const actions: Actions = {
	save: async ({ locals, request, url }) => {
		const me = locals.volunteer;
		if (!me) redirect(303, '/volunteer/sign-in');
		const { values, errors } = people.parseProfile(await formOf(request));
		if (Object.keys(errors).length) return fail(400, { values, errors });
		await locals.db((tx) => people.saveProfile(tx, me.userId, values));
		redirect(303, safeNext(url.searchParams.get('next')) ?? '/volunteer/me');
	},
	delete: async ({ locals, request, cookies }) => {
		const me = locals.volunteer;
		if (!me) redirect(303, '/volunteer/sign-in');
		if ((await formOf(request)).get('confirm') !== 'on') return fail(400, { deleteError: 'volunteer.delete_confirm_needed' });
		await locals.db((tx) => people.deleteAccount(tx));
		clearVolunteerCookie(cookies);
		redirect(303, '/volunteer?deleted=1');
	},
	signout: async ({ cookies }) => {
		const token = cookies.get(VOLUNTEER_COOKIE);
		if (token) await signOut(services().db, token);
		clearVolunteerCookie(cookies);
		redirect(303, '/volunteer');
	}
};
