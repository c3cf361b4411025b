import { formOf } from '$lib/server/http';
import { fail, redirect } from '@sveltejs/kit';
import type { ReportCategory } from '$lib/db-types.gen';
import { places } from '$lib/server/district';
import * as routing from '$lib/server/reports/routing';
import type { Actions, PageServerLoad } from './$types';
import { MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals, MAY.administer);
	return locals.db(async (tx) => ({
		routes: await routing.routes(tx),
		categories: await routing.categories(tx),
		...(await places(tx))
	}));
};

export const actions: Actions = {
	save: async ({ locals, request }) => {
		staffOnly(locals, MAY.administer);
		const { route, error: problem } = routing.parseRoute(await formOf(request));
		if (!route) return fail(400, { message: problem });
		if (!(await locals.db((tx) => routing.saveRoute(tx, route)))) return fail(403, { message: 'reports.errors.not_allowed' });
		redirect(303, '/console/reports/routing');
	},
	remove: async ({ locals, request }) => {
		staffOnly(locals, MAY.administer);
		const id = Number((await formOf(request)).get('id'));
		if (!(await locals.db((tx) => routing.deleteRoute(tx, id)))) return fail(403, { message: 'reports.errors.not_allowed' });
		redirect(303, '/console/reports/routing');
	},
	clock: async ({ locals, request }) => {
		staffOnly(locals, MAY.administer);
		const form = await formOf(request);
		const ok = await locals.db((tx) =>
			routing.setFeedbackHours(tx, String(form.get('category')) as ReportCategory, Number(form.get('hours')))
		);
		if (!ok) return fail(400, { message: 'reports.errors.hours' });
		redirect(303, '/console/reports/routing');
	}
};
