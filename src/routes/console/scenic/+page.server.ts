import { formOf } from '$lib/server/http';
import { fail, redirect } from '@sveltejs/kit';
import * as scenic from '$lib/server/scenic';
import type { Actions, PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals);
	return { areas: await locals.db((tx) => scenic.list(tx)) };
};

export const actions: Actions = {
	status: async ({ locals, request }) => {
		staffOnly(locals);
		const form = await formOf(request);
		const id = String(form.get('id') ?? '');
		const { input, errors } = scenic.parseStatus(form);
		if (Object.keys(errors).length) return fail(400, { id, values: input, errors, message: null });
		const saved = await locals.db((tx) => scenic.setStatus(tx, id, input));
		if (!saved) return fail(403, { id, values: input, errors: {}, message: 'errors.forbidden' });
		redirect(303, '/console/scenic');
	}
};
