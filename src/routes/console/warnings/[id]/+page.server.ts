import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import { deliveryStats } from '$lib/server/messaging/stats';
import { concerns, inWarning } from '$lib/server/geography/hazard-points';
import { affected } from '$lib/server/warnings/area';
import * as warnings from '$lib/server/warnings/store';
import type { Actions, PageServerLoad } from './$types';
import { can, MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';

/** Who may act on a warning; the database functions check the same (and more). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params, url }) => {
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
			// who may approve it, while it waits (issuers and admins may read staff names)
			// (null: not for this reader to know; [] for an issuer: nobody can, which the page must say)
			approvers: message.state === 'pending' && (await can(tx, 'issue_warnings')) ? await warnings.approvers(tx, message.id) : null,
			outline: await warnings.districtOutline(tx)
		};
	});
	if (!found) error(404, 'not found');
	// `?end=1`: the confirmation step of ending the warning (a page of its own, so it works without JavaScript)
	return { ...found, deliveryAsOf: new Date(), mine: found.message.draftedBy === me, ending: url.searchParams.get('end') === '1', reasonMax: warnings.REASON_MAX };
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
	cancel: async ({ locals, params, request }) => {
		staffOnly(locals, MAY.issue_warnings);
		const reason = String((await formOf(request)).get('reason') ?? '');
		const result = await locals.db(async (tx) => {
			const message = await warnings.get(tx, params.id);
			return message ? warnings.cancel(tx, message.threadId, reason) : ({ ok: false, message: 'warnings.err_wrong_state' } as const);
		});
		// a refused reason comes back to the confirmation step with what was typed
		if (!result.ok) return fail(400, { message: result.message, ending: true, reason });
		redirect(303, '/console/warnings');
	}
};
