import { fail, redirect } from '@sveltejs/kit';
import { ReportCategoryValues } from '$lib/db-types.gen';
import { emergencyNumbers, type EmergencyNumber } from '$lib/reports/emergency';
import { deviceId, ensureDeviceId } from '$lib/server/reports/device';
import { clock, reportLimit } from '$lib/server/reports/limits';
import { photoFiles } from '$lib/server/reports/photos';
import { pinPlaces } from '$lib/server/map/layers';
import { places } from '$lib/server/reports/places';
import {
	freshIds,
	join,
	nearby,
	parseDraft,
	preparePhotos,
	submit,
	SubmitError,
	type Draft,
	type DraftErrors,
	type Nearby
} from '$lib/server/reports/submit';
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
		const form = await request.formData();
		const { draft, errors } = parseDraft(form);
		const answer = (status: number, more: Partial<Answer>) => fail(status, { ...NOTHING, values: draft, errors, ...more });
		if (Object.keys(errors).length) return answer(400, {});
		// Emergencies first: once, before anything is filed.
		const emergency = emergencyNumbers(draft.category, draft.description);
		if (emergency.length && form.get('emergency_seen') !== '1') return answer(400, { emergency });
		// The nearby lookup counts against the report limits too: it answers about other
		// people's reports, so it must not be free to repeat from chosen points.
		const retryAt = reportLimit(services().limits, getClientAddress(), deviceId(cookies));
		if (retryAt) return answer(429, { retryAt: clock(retryAt) });
		if (form.get('new_anyway') !== '1') {
			const near = await locals.db((tx) => nearby(tx, draft));
			if (near.length) return answer(400, { nearby: near, emergencySeen: true });
		}
		let filed;
		try {
			const photos = await preparePhotos(photoFiles(form));
			filed = await locals.db((tx) => submit(tx, draft, photos));
		} catch (error) {
			if (error instanceof SubmitError) return answer(400, { errors: { [error.field]: error.key } });
			throw error;
		}
		redirect(303, `/report/${filed.ticket}?t=${filed.token}`);
	},

	join: async ({ request, locals }) => {
		const form = await request.formData();
		const id = Number(form.get('report'));
		const key = String(form.get('join_key') ?? '');
		const name = String(form.get('name') ?? '').trim().slice(0, 40);
		const phone = String(form.get('phone') ?? '').trim();
		if (!Number.isSafeInteger(id) || !/^[0-9a-f-]{36}$/i.test(key) || (phone && !/^[0-9+() -]{5,20}$/.test(phone))) {
			return fail(400, { ...NOTHING, errors: { join: 'reports.errors.join' } });
		}
		const ticket = await locals.db((tx) => join(tx, id, key, name, phone));
		if (!ticket) return fail(400, { ...NOTHING, errors: { join: 'reports.errors.join_closed' } });
		redirect(303, `/report?joined=${encodeURIComponent(ticket)}`);
	}
};
