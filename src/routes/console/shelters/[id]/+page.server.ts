import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import { townCodes, towns as townNames } from '$lib/server/district';
import * as registry from '$lib/server/shelters/registry';
import * as shelters from '$lib/server/shelters';
import type { Actions, PageServerLoad } from './$types';
import { can, MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';

// `/console/shelters/new` adds a shelter; `/console/shelters/<id>` edits one.
export const load: PageServerLoad = async ({ locals, params }) => {
	staffOnly(locals, MAY.administer);
	const found = await locals.db(async (tx) => {
		if (!(await can(tx, 'administer'))) return 'forbidden' as const;
		const towns = await townNames(tx);
		if (params.id === 'new') return { towns, values: { crs: 'wgs84', status: 'open', occupancy: '0', facilities: [], hazards: [] }, shelter: null };
		const values = await registry.formValues(tx, params.id);
		return values ? { towns, values, shelter: await shelters.get(tx, params.id) } : ('missing' as const);
	});
	if (found === 'forbidden') error(403, 'forbidden');
	if (found === 'missing') error(404, 'not found');
	return found;
};

export const actions: Actions = {
	save: async ({ locals, params, request }) => {
		staffOnly(locals, MAY.administer);
		const form = await formOf(request);
		const towns = await locals.db(townCodes);
		const { row, values, errors } = registry.parseShelterForm(form, towns);
		if (!row) return fail(400, { values, errors, message: null });
		const saved = await locals.db((tx) => (params.id === 'new' ? registry.create(tx, row) : registry.update(tx, params.id, row)));
		if ('errors' in saved) return fail(400, { values, errors: saved.errors, message: null });
		if ('forbidden' in saved) return fail(403, { values, errors: {}, message: 'shelters.edit.forbidden' });
		redirect(303, `/console/shelters/${saved.id}?saved=${params.id === 'new' ? 'created' : 'saved'}`);
	}
};
