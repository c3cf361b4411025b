import { fail, redirect } from '@sveltejs/kit';
import { ReportCategoryValues } from '$lib/db-types.gen';
import type { EmergencyNumber } from '$lib/reports/emergency';
import { readForm } from '$lib/server/http';
import { deviceId, ensureDeviceId } from '$lib/server/reports/device';
import { fileReport } from '$lib/server/reports/file';
import { clock, reportLimit } from '$lib/server/reports/limits';
import { pinPlaces } from '$lib/server/map/layers';
import { places } from '$lib/server/district';
import { freshIds, join, type Draft, type DraftErrors, type Nearby } from '$lib/server/reports/submit';
import { services } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

/** What a refused post sends back to the form: one shape for every outcome. */
type Answer = {
	values: Draft | null;
	errors: DraftErrors & { join?: string };
	emergency: EmergencyNumber[] | null;
	nearby: Nearby[] | null;
	emergencySeen: boolean;
	retryAt: string | null;
};
const NOTHING: Answer = { values: null, errors: {}, emergency: null, nearby: null, emergencySeen: false, retryAt: null };

export const load: PageServerLoad = async ({ locals, cookies, url }) => {
	ensureDeviceId(cookies);
	return {
		...(await locals.db((tx) => places(tx))),
		pinPlaces: await locals.db(pinPlaces),
		categories: ReportCategoryValues,
		ids: freshIds(),
		joined: url.searchParams.get('joined')
	};
};

export const actions: Actions = {
	submit: async ({ request, locals, cookies, getClientAddress }) => {
		const form = await readForm(request);
		if (!form) return fail(400, { ...NOTHING, errors: { key: 'reports.errors.form_expired' } });
		const caller = { db: locals.db, limit: () => reportLimit(services().limits, getClientAddress(), deviceId(cookies)) };
		const draft = { fields: form, emergencySeen: form.get('emergency_seen') === '1', newAnyway: form.get('new_anyway') === '1' };
		const outcome = await fileReport(caller, draft, 'form');
		const answer = (status: number, more: Partial<Answer>) => fail(status, { ...NOTHING, values: outcome.draft, ...more });
		switch (outcome.kind) {
			case 'invalid':
				return answer(400, { errors: outcome.errors });
			case 'emergency':
				return answer(400, { emergency: outcome.numbers });
			case 'limited':
				return answer(429, { retryAt: clock(outcome.retryAt) });
			case 'nearby':
				return answer(400, { nearby: outcome.nearby, emergencySeen: true });
			case 'filed':
				redirect(303, `/report/${outcome.filed.ticket}?t=${outcome.filed.token}`);
		}
	},

	join: async ({ request, locals }) => {
		const form = await readForm(request);
		if (!form) return fail(400, { ...NOTHING, errors: { join: 'reports.errors.join' } });
		const id = Number(form.get('report'));
		const key = String(form.get('join_key') ?? '');
		const name = String(form.get('name') ?? '').trim().slice(0, 40);
		const phone = String(form.get('phone') ?? '').trim();
		// the joiner's own tracking link; a page from before this field had none
		const token = String(form.get('join_token') ?? '') || null;
		if (!Number.isSafeInteger(id) || !/^[0-9a-f-]{36}$/i.test(key) || (phone && !/^[0-9+() -]{5,20}$/.test(phone)) || (token && !/^[A-Za-z0-9_-]{32,128}$/.test(token))) {
			return fail(400, { ...NOTHING, errors: { join: 'reports.errors.join' } });
		}
		const ticket = await locals.db((tx) => join(tx, id, key, name, phone, token));
		if (!ticket) return fail(400, { ...NOTHING, errors: { join: 'reports.errors.join_closed' } });
		if (token) redirect(303, `/report/${encodeURIComponent(ticket)}?t=${token}&joined=1`);
		redirect(303, `/report?joined=${encodeURIComponent(ticket)}`);
	}
};
