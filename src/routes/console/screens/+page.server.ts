import { formOf } from '$lib/server/http';
import { fail, redirect } from '@sveltejs/kit';
import { staffOnly } from '$lib/server/auth/staff-only';
import { SCREEN_SLUG } from '$lib/server/display';
import { createScreen, isSilent, listScreens, SITES, type ScreenPlace, type Site } from '$lib/server/display/screens';
import { TOWN_CODE } from '$lib/server/warnings/model';
import { towns as districtTowns } from '$lib/server/district';
import type { Actions, PageServerLoad } from './$types';

const WRITERS = ['warning_issuer', 'admin'] as const;

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals);
	const { screens, towns, scenic } = await locals.db(async (tx) => ({
		screens: await listScreens(tx),
		towns: await districtTowns(tx),
		scenic: await tx.query<{ id: string; name_zh: string; name_en: string }>('select id, name_zh, name_en from public.scenic_areas order by sort, id')
	}));
	const now = new Date();
	return { screens: screens.map((s) => ({ ...s, silent: isSilent(s.lastSeenAt, now) })), towns, scenic, asOf: now };
};

/** The place from the form, or null when it does not hold together. */
function placeFrom(form: FormData): ScreenPlace | null {
	const kind = String(form.get('place_kind') ?? '');
	if (kind === 'town') {
		const townCode = String(form.get('town_code') ?? '');
		return TOWN_CODE.test(townCode) ? { kind, townCode } : null;
	}
	if (kind === 'scenic') {
		const scenicId = String(form.get('scenic_id') ?? '');
		return scenicId ? { kind, scenicId } : null;
	}
	if (kind === 'point') {
		const [lon, lat, radiusM] = ['lon', 'lat', 'radius_m'].map((k) => Number(form.get(k)));
		if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat!) > 90 || Math.abs(lon!) > 180) return null;
		if (!Number.isInteger(radiusM) || radiusM! < 100 || radiusM! > 20000) return null;
		return { kind, lon: lon!, lat: lat!, radiusM: radiusM! };
	}
	return null;
}

export const actions: Actions = {
	create: async ({ locals, request }) => {
		staffOnly(locals, WRITERS);
		const form = await formOf(request);
		const values = Object.fromEntries([...form].map(([k, v]) => [k, String(v)]));
		const slug = values.slug ?? '';
		const name = (values.name ?? '').trim();
		const site = (values.site ?? '') as Site;
		const place = placeFrom(form);
		const errors: Record<string, string> = {};
		if (!SCREEN_SLUG.test(slug)) errors.slug = 'reach.screens_err_slug';
		if (!name || name.length > 80) errors.name = 'reach.screens_err_name';
		if (!SITES.includes(site)) errors.site = 'reach.screens_err_place';
		if (!place) errors.place = 'reach.screens_err_place';
		if (Object.keys(errors).length || !place) return fail(400, { values, errors });
		const created = await locals.db((tx) => createScreen(tx, { slug, name, site, place }));
		if (!created.ok) {
			if (created.field === 'form') return fail(403, { values, errors: { form: created.message } });
			return fail(400, { values, errors: { [created.field]: created.field === 'slug' ? 'reach.screens_err_slug' : 'reach.screens_err_place' } });
		}
		redirect(303, '/console/screens');
	}
};
