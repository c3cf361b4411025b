import { fail } from '@sveltejs/kit';
import { MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';
import { receiveDrill } from '$lib/server/eew';
import { EewInputError } from '$lib/server/eew/validate';
import { formOf } from '$lib/server/http';
import { services } from '$lib/server/runtime';
import { TOWN_CODE } from '$lib/server/warnings/model';
import { towns as districtTowns } from '$lib/server/district';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals, MAY.start_eew_drill);
	const towns = await locals.db(districtTowns);
	return { towns };
};

export const actions: Actions = {
	/** An EEW drill under one township: the whole sequence, marked DRILL, on phones and open pages. */
	start: async ({ locals, request }) => {
		staffOnly(locals, MAY.start_eew_drill);
		const form = await formOf(request);
		const values = { town: String(form.get('town') ?? ''), magnitude: String(form.get('magnitude') ?? ''), depth: String(form.get('depth') ?? '') };
		const magnitude = Number(values.magnitude);
		const depth = Number(values.depth);
		if (!TOWN_CODE.test(values.town) || !(magnitude >= 3 && magnitude <= 8) || !(depth >= 1 && depth <= 40))
			return fail(400, { values, error: 'eew.err_drill_input' });
		const { db, delivery } = services();
		try {
			await receiveDrill(locals.db, db, delivery, values.town, magnitude, depth);
		} catch (error) {
			if (error instanceof EewInputError) return fail(400, { values, error: 'eew.err_drill_input' });
			throw error;
		}
		return { values, started: { town: values.town, magnitude } };
	}
};
