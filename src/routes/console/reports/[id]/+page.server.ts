import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import { photoFiles, PhotoError, processPhotos } from '$lib/server/reports/photos';
import { places, unitNames } from '$lib/server/district';
import { detail } from '$lib/server/reports/queue';
import type { PreparedPhotos } from '$lib/server/reports/submit';
import * as flow from '$lib/server/reports/workflow';
import type { Queryable } from '$lib/server/db/port';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals, params }) => {
	staffOnly(locals);
	const id = Number(params.id);
	if (!Number.isSafeInteger(id)) error(404, 'not found');
	const found = await locals.db(async (tx) => {
		const d = await detail(tx, id);
		if (!d) return null;
		const p = await places(tx);
		return { ...d, towns: p.towns, departments: p.departments, units: unitNames(p, locals.lang) };
	});
	if (!found) error(404, 'not found');
	return found;
};

/** Runs one step; a refusal is shown on the page, success reloads it. */
async function act<P = null>(
	event: RequestEvent,
	work: (tx: Queryable, id: number, form: FormData, prepared: P) => Promise<unknown>,
	prepare?: (form: FormData) => Promise<P>
) {
	staffOnly(event.locals);
	const id = Number(event.params.id);
	const form = await formOf(event.request);
	try {
		// Slow work (re-encoding photos) before the transaction, not inside it.
		const prepared = (prepare ? await prepare(form) : null) as P;
		await event.locals.db((tx) => work(tx, id, form, prepared));
	} catch (e) {
		if (e instanceof flow.StepError) return fail(e.key === 'reports.errors.not_allowed' ? 403 : 400, { message: e.key });
		if (e instanceof PhotoError) return fail(400, { message: e.key });
		throw e;
	}
	redirect(303, `/console/reports/${id}`);
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

export const actions: Actions = {
	dispatch: (e) =>
		act(e, (tx, id, f) => flow.dispatch(tx, id, flow.dispatchTarget(text(f, 'to')))),
	accept: (e) => act(e, (tx, id) => flow.accept(tx, id)),
	note: (e) => act(e, (tx, id, f) => flow.note(tx, id, text(f, 'note'), f.get('public') === 'on')),
	giveBack: (e) => act(e, (tx, id, f) => flow.giveBack(tx, id, text(f, 'reason'))),
	close: (e) =>
		act<PreparedPhotos>(
			e,
			(tx, id, f, photos) => flow.close(tx, id, text(f, 'reply'), photos),
			(f) => processPhotos(photoFiles(f))
		),
	whistle: (e) => act(e, (tx, id, f) => flow.whistle(tx, id, text(f, 'department'))),
	merge: (e) => act(e, (tx, id, f) => flow.merge(tx, id, text(f, 'into'))),
	hide: (e) => act(e, (tx, id, f) => flow.hide(tx, id, text(f, 'reason'))),
	redact: (e) => act(e, (tx, _id, f) => flow.redactPhoto(tx, Number(f.get('photo'))))
};
