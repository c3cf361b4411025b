import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import * as departments from '$lib/server/departments';
import { forgetDistrict } from '$lib/server/district';
import type { Actions, PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals, params }) => {
	staffOnly(locals);
	const found = await locals.db(async (tx) => ({
		department: await departments.get(tx, params.code),
		may: await departments.canEdit(tx, params.code)
	}));
	if (!found.department) error(404, 'not found');
	if (!found.may.any) error(403, 'forbidden');
	return found;
};

export const actions: Actions = {
	save: async ({ locals, params, request }) => {
		staffOnly(locals);
		const { patch, errors } = departments.parsePatch(await formOf(request));
		if (Object.keys(errors).length) return fail(400, { values: patch, errors, message: null });
		const saved = await locals.db((tx) => departments.update(tx, params.code, patch));
		if (saved) forgetDistrict();
		if (!saved) return fail(403, { values: patch, errors: {}, message: 'departments.no_permission' });
		redirect(303, '/console/departments');
	}
};
