import { formOf } from '$lib/server/http';
import { fail, redirect } from '@sveltejs/kit';
import * as events from '$lib/server/volunteers/events';
import * as people from '$lib/server/volunteers/people';
import { towns } from '$lib/server/district';
import { UUID } from '$lib/server/volunteers/events';
import { normalisePhone } from '$lib/server/volunteers/sign-in';
import type { Actions, PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

const beijingYear = () => new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals);
	const year = beijingYear();
	return locals.db(async (tx) => ({
		year,
		figures: await people.figures(tx, year),
		events: await events.all(tx),
		teams: await people.teams(tx),
		towns: await towns(tx)
	}));
};

export const actions: Actions = {
	addTeam: async ({ locals, request }) => {
		staffOnly(locals);
		const form = await formOf(request);
		const values = { town_code: String(form.get('town_code') ?? ''), name: String(form.get('name') ?? '').trim() };
		const errors: Record<string, string> = {};
		if (!values.name) errors.name = 'errors.required';
		else if (values.name.length > 80) errors.name = 'errors.too_long';
		if (!/^110118[0-9]{3}$/.test(values.town_code)) errors.town_code = 'errors.required';
		if (Object.keys(errors).length) return fail(400, { values, errors, message: null });
		const id = await locals.db((tx) => people.addTeam(tx, values.town_code, values.name));
		if (!id) return fail(403, { values, errors, message: 'volunteer.console.team_refused' });
		redirect(303, '/console/volunteers#teams');
	},
	addMember: async ({ locals, request }) => {
		staffOnly(locals);
		const form = await formOf(request);
		const values = { team: String(form.get('team') ?? ''), phone: String(form.get('phone') ?? '').trim(), leader: form.get('leader') === 'on' };
		const phone = normalisePhone(values.phone);
		if (!phone || !UUID.test(values.team)) {
			return fail(400, { member: values, errors: { member_phone: 'volunteer.errors.phone' }, message: null });
		}
		const result = await locals.db((tx) => people.joinTeam(tx, values.team, phone, values.leader));
		if (!result.ok) return fail(400, { member: values, errors: { member_phone: `volunteer.console.member_${result.problem}` }, message: null });
		redirect(303, '/console/volunteers#teams');
	}
};
