import { formOf } from '$lib/server/http';
import { fail, redirect } from '@sveltejs/kit';
import * as events from '$lib/server/volunteers/events';
import { towns } from '$lib/server/district';
import type { Actions, PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals);
	return { towns: await locals.db((tx) => towns(tx)), topics: events.TOPICS };
};

export const actions: Actions = {
	create: async ({ locals, request }) => {
		const me = staffOnly(locals);
		const parsed = events.parseEvent(await formOf(request));
		if (!parsed.event) return fail(400, { values: parsed.values, errors: parsed.errors, message: null });
		const id = await locals.db((tx) => events.create(tx, parsed, me.userId, me.departmentCode));
		if (!id) return fail(403, { values: parsed.values, errors: {}, message: 'volunteer.console.not_organiser' });
		redirect(303, `/console/volunteers/events/${id}`);
	}
};
