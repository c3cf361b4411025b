import { formOf } from '$lib/server/http';
import { fail, redirect } from '@sveltejs/kit';
import * as evacuation from '$lib/server/evacuation/marks';
import { forRoll } from '$lib/server/evacuation/safety';
import { staffOnly } from '$lib/server/auth/staff-only';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const who = staffOnly(locals);
	return locals.db(async (tx) => {
		const rows = await evacuation.toMove(tx);
		return {
			groups: evacuation.byCadre(rows),
			picture: evacuation.picture(rows),
			// What residents said themselves (报平安), matched by phone; RLS keeps it to the caller's roll.
			residents: await forRoll(tx),
			// A township's staff work the list; the district desk watches the counts first.
			listFirst: who.townCode !== null,
			shelters: await evacuation.sheltersFor(tx, [...new Set(rows.map((r) => r.town_code))]),
			// A fresh key per page view: a form posted twice (JavaScript off, a double tap) is one mark.
			formKey: crypto.randomUUID()
		};
	});
};

export const actions: Actions = {
	mark: async ({ locals, request }) => {
		staffOnly(locals);
		const form = Object.fromEntries(await formOf(request));
		const parsed = evacuation.parseMark(form);
		if ('error' in parsed) return fail(400, { error: parsed.error });
		const result = await locals.db((tx) => evacuation.mark(tx, parsed.mark));
		if (result === 'forbidden') return fail(403, { error: 'evacuation.no_permission' });
		redirect(303, `/console/evacuation?saved=${parsed.mark.household}#h-${parsed.mark.household}`);
	}
};
