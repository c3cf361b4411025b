import { formOf } from '$lib/server/http';
import { fail, redirect } from '@sveltejs/kit';
import * as roll from '$lib/server/evacuation/roll';
import { district } from '$lib/server/district';
import { staffOnly } from '$lib/server/auth/staff-only';
import type { Actions, PageServerLoad } from './$types';

const MAX_BYTES = 2_000_000;

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals);
	return locals.db(async (tx) => {
		const households = await roll.list(tx);
		const [me] = await tx.query<{ town: string | null }>('select app.staff_town() as town');
		const town = me?.town ?? null;
		const villages = (await district(tx)).villages
			.filter((v) => town === null || v.town_code === town)
			.map(({ code, name_zh, name_en }) => ({ code, name_zh, name_en }));
		return { households, villages, columns: roll.COLUMNS, vulnerabilities: roll.VULNERABILITIES, changes: await roll.changes(tx, null, 50) };
	});
};

/** A rejected write: 403 when RLS refused it (another township, a handler), else the database's own error. */
function refused(e: unknown) {
	if ((e as { code?: string }).code === '42501') return fail(403, { errors: [{ row: 0, column: '', message: 'evacuation.roll_refused' }] });
	throw e;
}

export const actions: Actions = {
	add: async ({ locals, request }) => {
		staffOnly(locals);
		const form = await formOf(request);
		const get = (name: string) => form.getAll(name).map(String).join(';');
		const ctx = await locals.db(roll.rollContext);
		const errors: roll.RollError[] = [];
		const row = roll.checkHousehold(0, get, ctx, errors);
		if (!row) return fail(400, { errors, values: Object.fromEntries(roll.COLUMNS.map((c) => [c, get(c)])) });
		try {
			await locals.db((tx) => roll.write(tx, [row]));
		} catch (e) {
			return refused(e);
		}
		redirect(303, '/console/evacuation/roll?added=1');
	},
	remove: async ({ locals, request }) => {
		staffOnly(locals);
		const id = String((await formOf(request)).get('id') ?? '');
		// RLS hides another township's households: gone and not yours look the same, and say so
		if (!(await locals.db((tx) => roll.remove(tx, id)))) return fail(404, { errors: [{ row: 0, column: '', message: 'evacuation.remove_refused' }] });
		redirect(303, '/console/evacuation/roll?removed=1');
	},
	import: async ({ locals, request }) => {
		staffOnly(locals);
		const file = (await formOf(request)).get('file');
		if (!(file instanceof File) || file.size === 0) return fail(400, { errors: [{ row: 0, column: 'file', message: 'shelters.import.no_file' }] });
		if (file.size > MAX_BYTES) return fail(413, { errors: [{ row: 0, column: 'file', message: 'shelters.import.too_many' }] });
		const content = await file.text();
		const ctx = await locals.db(roll.rollContext);
		const { rows, errors } = roll.parseRoll(content, ctx);
		if (errors.length) return fail(400, { errors: errors.slice(0, 200) });
		try {
			const done = await locals.db((tx) => roll.write(tx, rows));
			redirect(303, `/console/evacuation/roll?inserted=${done.inserted}&updated=${done.updated}`);
		} catch (e) {
			return refused(e);
		}
	}
};
