import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import { staffOnly } from '$lib/server/auth/staff-only';
import { broadcastScript } from '$lib/server/broadcast/script';
import { confirmBroadcast, villagesFor } from '$lib/server/broadcast/confirmations';
import { VILLAGE_CODE } from '$lib/server/warnings/model';
import * as warnings from '$lib/server/warnings/store';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params }) => {
	staffOnly(locals);
	if (!UUID.test(params.id)) error(404, 'not found');
	const found = await locals.db(async (tx) => {
		const message = await warnings.get(tx, params.id);
		return message ? { message, villages: await villagesFor(tx, message.id) } : null;
	});
	if (!found) error(404, 'not found');
	return { message: found.message, villages: found.villages, script: broadcastScript(found.message) };
};

export const actions: Actions = {
	confirm: async ({ locals, params, request }) => {
		const who = staffOnly(locals);
		if (!UUID.test(params.id)) error(404, 'not found');
		const village = String((await formOf(request)).get('village') ?? '');
		if (!VILLAGE_CODE.test(village)) return fail(400, { message: 'village: not a 12-digit village code of Miyun' });
		const result = await locals.db((tx) => confirmBroadcast(tx, { warningId: params.id, villageCode: village, label: who.displayName ?? who.email }));
		if (!result.ok && result.reason === 'refused') return fail(403, { message: 'reach.broadcast_refused' });
		redirect(303, `/console/warnings/${params.id}/broadcast`);
	}
};
