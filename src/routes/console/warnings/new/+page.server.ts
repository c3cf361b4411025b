import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import { deliveryReach } from '$lib/server/messaging/stats';
import { isUnavailable } from '$lib/server/db/unavailable';
import { parseCompose, valuesOf, type ComposeValues } from '$lib/server/warnings/form';
import { messagesFor } from '$lib/server/i18n';
import { callerDepartment, district, seatsOf } from '$lib/server/district';
import * as warnings from '$lib/server/warnings/store';
import { touchesApproximate } from '$lib/server/geography/areas';
import { concerns, inArea } from '$lib/server/geography/hazard-points';
import type { Actions, PageServerLoad } from './$types';
import { can, MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';

/** Who may compose a warning; the database functions check the same. */

export const load: PageServerLoad = async ({ locals, url }) => {
	staffOnly(locals, MAY.issue_warnings);
	const referencesId = url.searchParams.get('references');
	const found = await locals.db(async (tx) => {
		const referenced = referencesId && /^[0-9a-f-]{36}$/i.test(referencesId) ? await warnings.current(tx, referencesId) : null;
		const sender = await callerDepartment(tx);
		return { referenced, sender, towns: (await district(tx)).towns, outline: await warnings.districtOutline(tx), issuer: await can(tx, 'issue_warnings') };
	});
	if (!found.issuer) error(403, 'forbidden');
	if (referencesId && (!found.referenced || !found.referenced.inForce)) error(404, 'not found');
	const values: ComposeValues = found.referenced
		? valuesOf(found.referenced)
		: { status: 'Actual', hazard: url.searchParams.get('hazard') ?? 'rainstorm', level: url.searchParams.get('level') ?? 'yellow', sender_name_zh: found.sender?.zh ?? '', sender_name_en: found.sender?.en ?? '' };
	// Both languages' templates, so the form can prefill Chinese and English at once.
	const templates = Object.fromEntries(
		(['zh-CN', 'en'] as const).map((lang) => {
			const m = messagesFor(lang);
			const w = m.warnings as Record<string, string>;
			const pick = Object.fromEntries(Object.entries(w).filter(([k]) => k.startsWith('tpl_')));
			return [lang, { ...pick, hazards: m.hazards as Record<string, string>, levels: m.levels as Record<string, string> }];
		})
	);
	return {
		templates,
		towns: found.towns,
		outline: found.outline,
		values,
		references: found.referenced ? { id: found.referenced.id, threadId: found.referenced.threadId, headline: found.referenced.infos[0]?.headline ?? '', status: found.referenced.status } : null
	};
};

async function parse(locals: App.Locals, form: FormData) {
	staffOnly(locals, MAY.issue_warnings);
	const { towns } = await locals.db(district);
	return { ...parseCompose(form, seatsOf(towns)), references: String(form.get('references') ?? '') || null };
}

/**
 * The database went away while an issuer was composing: answer 503 with the draft as
 * typed, so the form shows it again (also with JavaScript off) and nothing is lost.
 */
async function keepDraft<T>(request: Request, work: (form: FormData) => Promise<T>) {
	const form = await formOf(request);
	try {
		return await work(form);
	} catch (error) {
		if (!isUnavailable(error)) throw error;
		return fail(503, { values: parseCompose(form, new Map()).values, errors: {}, preview: null, unavailable: true });
	}
}

export const actions: Actions = {
	preview: ({ locals, request }) => keepDraft(request, async (form) => {
		const { input, values, errors } = await parse(locals, form);
		if (!input) return fail(400, { values, errors, preview: null });
		const shown = await locals.db(async (tx) => {
			const preview = await warnings.preview(tx, input);
			if ('errors' in preview) return preview;
			const { hazard, level, status } = input;
			return {
				...preview,
				reach: await deliveryReach(tx, { geojson: preview.geojson, hazard, level, status }),
				hazardPoints: concerns(hazard) ? await inArea(tx, preview.geojson) : null,
				approximate: await touchesApproximate(tx, preview.geojson)
			};
		});
		if ('errors' in shown) return fail(400, { values, errors: shown.errors, preview: null });
		return { values, errors: {}, preview: shown };
	}),
	save: ({ locals, request }) => keepDraft(request, async (form) => {
		const { input, values, errors, references } = await parse(locals, form);
		if (!input) return fail(400, { values, errors, preview: null });
		const saved = await locals.db((tx) => warnings.saveDraft(tx, input, { referencesId: references }));
		if ('errors' in saved) return fail(400, { values, errors: saved.errors, preview: null });
		redirect(303, `/console/warnings/${saved.id}`);
	})
};
