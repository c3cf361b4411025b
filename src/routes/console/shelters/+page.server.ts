import { fail, redirect } from '@sveltejs/kit';
import * as shelters from '$lib/server/shelters';
import { isAdmin, townNames } from '$lib/server/shelters/registry';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) =>
	locals.db(async (tx) => {
		const towns = await townNames(tx);
		return { shelters: await shelters.listForStaff(tx), isAdmin: await isAdmin(tx), towns };
	});

export const actions: Actions = {
	live: async ({ locals, request }) => {
		const form = await request.formData();
		const id = String(form.get('id') ?? '');
		const { patch, errors } = shelters.parseLive(form);
		if (Object.keys(errors).length) return fail(400, { id, values: patch, errors, message: null });
		const saved = await locals.db((tx) => shelters.updateLive(tx, id, patch));
		if (!saved) return fail(403, { id, values: patch, errors: {}, message: 'shelters.console.no_permission' });
		redirect(303, `/console/shelters?saved=${id}#s-${id}`);
	},
	retire: async ({ locals, request }) => {
		const form = await request.formData();
		const id = String(form.get('id') ?? '');
		const done = await locals.db((tx) => shelters.retire(tx, id, form.get('retired') === 'true'));
		if (!done) return fail(403, { id, values: null, errors: {}, message: 'shelters.console.no_permission' });
		redirect(303, `/console/shelters#s-${id}`);
	}
};
