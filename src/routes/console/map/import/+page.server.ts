import { can, MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';
import { error, fail, redirect } from '@sveltejs/kit';
import { GEO_LAYERS, type GeoLayer } from '$lib/server/geography';
import { forgetDistrict } from '$lib/server/district';
import { FORM_MALFORMED, readForm } from '$lib/server/http';
import { importLayer } from '$lib/server/geography/upload';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals, MAY.administer);
	if (!(await locals.db((tx) => can(tx, 'administer')))) error(403, 'forbidden');
	return { layers: GEO_LAYERS };
};

export const actions: Actions = {
	default: async ({ locals, request }) => {
		staffOnly(locals, MAY.administer);
		const form = await readForm(request);
		if (!form) return fail(400, { layer: '', crs: 'wgs84', errors: [{ row: 0, column: 'body', message: FORM_MALFORMED }] });
		const layerRaw = String(form.get('layer') ?? '');
		const layer = (GEO_LAYERS as readonly string[]).includes(layerRaw) ? (layerRaw as GeoLayer) : null;
		const crsRaw = String(form.get('crs') ?? 'wgs84');
		const crs = crsRaw === 'gcj02' || crsRaw === 'bd09' ? crsRaw : 'wgs84';
		const file = form.get('file');
		const content = file instanceof File ? await file.text() : '';
		if (!layer) return fail(400, { layer: layerRaw, crs, errors: [{ row: 0, column: 'layer', message: 'map.import.required' }] });
		if (!content.trim()) return fail(400, { layer, crs, errors: [{ row: 0, column: 'file', message: 'map.import.no_file' }] });
		try {
			// One transaction: an error anywhere leaves nothing written.
			const outcome = await locals.db((tx) => importLayer(tx, layer, content, crs));
			if (outcome.errors.length) return fail(400, { layer, crs, errors: outcome.errors.slice(0, 200) });
			// Township boundaries change which townships have an area.
			forgetDistrict();
			redirect(303, `/console/map/import?layer=${layer}&written=${outcome.written}`);
		} catch (e) {
			if ((e as { code?: string }).code === '42501') error(403, 'forbidden');
			throw e;
		}
	}
};
