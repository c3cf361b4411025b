import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import * as events from '$lib/server/volunteers/events';
import { sendDrillWarning } from '$lib/server/volunteers/drill-warning';
import { attendees, checkIn, checkOut } from '$lib/server/volunteers/registrations';
import type { Actions, PageServerLoad } from './$types';
import { can } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	staffOnly(locals);
	const found = await locals.db(async (tx) => ({
		issuer: await can(tx, 'issue_warnings'),
		event: await events.get(tx, params.id),
		may: await events.mayOrganise(tx, params.id),
		attendees: await attendees(tx, params.id)
	}));
	const event = found.event;
	if (!event) error(404, 'not found');
	// Issuing is a warning issuer's (or an admin's) act; the warnings guard has the last word.
	const { issuer, ...rest } = found;
	const mayWarn = event.kind !== 'training' && issuer;
	return { ...rest, event, mayWarn, code: url.searchParams.get('code') ?? '', checkedIn: url.searchParams.get('checked_in') };
};

export const actions: Actions = {
	status: async ({ locals, params, request }) => {
		staffOnly(locals);
		const status = String((await formOf(request)).get('status') ?? '');
		if (!['open', 'cancelled', 'done', 'draft'].includes(status)) return fail(400, { message: 'volunteer.console.bad_status', code: '' });
		const done = await locals.db((tx) => events.setStatus(tx, params.id, status as 'open'));
		if (!done) return fail(403, { message: 'volunteer.console.not_organiser', code: '' });
		redirect(303, `/console/volunteers/events/${params.id}`);
	},
	checkin: async ({ locals, params, request }) => {
		const me = staffOnly(locals);
		const code = String((await formOf(request)).get('code') ?? '').trim();
		if (!code) return fail(400, { message: null, code, errors: { code: 'errors.required' } });
		const result = await locals.db((tx) => checkIn(tx, params.id, code, me.userId));
		if (!result.ok) return fail(400, { message: null, code, errors: { code: `volunteer.console.check_in_${result.problem}` } });
		redirect(303, `/console/volunteers/events/${params.id}?checked_in=${result.id}`);
	},
	drill: async ({ locals, params }) => {
		staffOnly(locals);
		const sent = await locals.db(async (tx) => {
			const event = await events.get(tx, params.id);
			return event ? sendDrillWarning(tx, event) : { problem: 'volunteer.console.not_organiser' };
		});
		if ('problem' in sent) return fail(403, { message: sent.problem, code: '' });
		redirect(303, `/console/warnings/${sent.threadId}`);
	},
	checkout: async ({ locals, params, request }) => {
		staffOnly(locals);
		const id = String((await formOf(request)).get('registration') ?? '');
		const done = await locals.db((tx) => checkOut(tx, id));
		if (!done) return fail(400, { message: 'volunteer.console.check_out_refused', code: '' });
		redirect(303, `/console/volunteers/events/${params.id}`);
	}
};
