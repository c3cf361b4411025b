import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import { deliveryStats } from '$lib/server/messaging/stats';
import { concerns, inWarning } from '$lib/server/geography/hazard-points';
import { affected } from '$lib/server/warnings/area';
import * as warnings from '$lib/server/warnings/store';
import type { Actions, PageServerLoad } from './$types';
import { MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';

/** Who may act on a warning; the database functions check the same (and more). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params }) => {
	const me = staffOnly(locals).userId;
	if (!UUID.test(params.id)) error(404, 'not found');
	const found = await locals.db(async (tx) => {
		const message = await warnings.get(tx, params.id);
		if (!message) return null;
		const geojson = await warnings.areaGeoJson(tx, message.id);
		return {
			message,
			needsApproval: await warnings.needsApproval(tx, message),
			geojson,
			affected: geojson ? await affected(tx, geojson) : null,
			hazardPoints: concerns(message.hazard) ? await inWarning(tx, message.id) : null,
			audit: await warnings.audit(tx, message.threadId),
			delivery: await deliveryStats(tx, message.id),
			outline: await warnings.districtOutline(tx)
		};
	});
	if (!found) error(404, 'not found');
	return { ...found, deliveryAsOf: new Date(), mine: found.message.draftedBy === me };
};

function outcome(result: warnings.Outcome, id: string) {
	if (!result.ok) return fail(400, { message: result.message });
	redirect(303, `/console/warnings/${id}`);
}

export const actions: Actions = {
	submit: async ({ locals, params }) => {
		staffOnly(locals, MAY.issue_warnings);
		return outcome(await locals.db((tx) => warnings.submit(tx, params.id)), params.id);
	},
	approve: async ({ locals, params, request }) => {
		staffOnly(locals, MAY.issue_warnings);
		// The approval names the revision the approver read on this page.
		const revision = Number((await formOf(request)).get('revision'));
		if (!Number.isInteger(revision) || revision < 1) return fail(400, { message: 'warnings.err_changed_since_review' });
		return outcome(await locals.db((tx) => warnings.approve(tx, params.id, revision)), params.id);
	},
	withdraw: async ({ locals, params }) => {
		staffOnly(locals, MAY.issue_warnings);
		return outcome(await locals.db((tx) => warnings.withdraw(tx, params.id)), params.id);
	},
	cancel: async ({ locals, params }) => {
		staffOnly(locals, MAY.issue_warnings);
		const result = await locals.db(async (tx) => {
			const message = await warnings.get(tx, params.id);
			return message ? warnings.cancel(tx, message.threadId) : ({ ok: false, message: 'warnings.err_wrong_state' } as const);
		});
		if (!result.ok) return fail(400, { message: result.message });
		redirect(303, '/console/warnings');
	}
};
