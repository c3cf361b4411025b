import { formOf } from '$lib/server/http';
import { fail, redirect } from '@sveltejs/kit';
import * as shelters from '$lib/server/shelters';
import { towns as townNames } from '$lib/server/district';
import { can } from '$lib/server/auth/can';
import type { Actions, PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals, url }) => {
	staffOnly(locals);
	return locals.db(async (tx) => {
		const towns = await townNames(tx);
		// ?town= narrows the list to one township, so a phone shows a handful of shelters.
		const town = towns.find((x) => x.code === url.searchParams.get('town'))?.code ?? null;
		const list = await shelters.listForStaff(tx);
		return { shelters: town ? list.filter((s) => s.town_code === town) : list, isAdmin: await can(tx, 'administer'), towns, town };
	});
};

/** Back to the list as it was filtered, at the shelter just changed. */
const back = (form: FormData, id: string, saved: boolean) => {
	const town = String(form.get('town') ?? '');
	const query = new URLSearchParams({ ...(town ? { town } : {}), ...(saved ? { saved: id } : {}) }).toString();
	return `/console/shelters${query ? `?${query}` : ''}#s-${id}`;
};

export const actions: Actions = {
	live: async ({ locals, request }) => {
		staffOnly(locals);
		const form = await formOf(request);
		const id = String(form.get('id') ?? '');
		const { patch, errors } = shelters.parseLive(form);
		if (Object.keys(errors).length) return fail(400, { id, values: patch, errors, message: null });
		const saved = await locals.db((tx) => shelters.updateLive(tx, id, patch));
		if (!saved) return fail(403, { id, values: patch, errors: {}, message: 'shelters.console.no_permission' });
		redirect(303, back(form, id, true));
	},
	retire: async ({ locals, request }) => {
		staffOnly(locals);
		const form = await formOf(request);
		const id = String(form.get('id') ?? '');
		const done = await locals.db((tx) => shelters.retire(tx, id, form.get('retired') === 'true'));
		if (!done) return fail(403, { id, values: null, errors: {}, message: 'shelters.console.no_permission' });
		redirect(303, back(form, id, false));
	}
};
