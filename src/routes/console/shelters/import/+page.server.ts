import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import { townCodes } from '$lib/server/district';
import * as importer from '$lib/server/shelters/import';
import type { Actions, PageServerLoad } from './$types';
import { can, MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals, MAY.administer);
	if (!(await locals.db((tx) => can(tx, 'administer')))) error(403, 'forbidden');
	return { columns: importer.COLUMNS };
};

// The preview carries the whole file forward as a text field: the body limit bounds it, not the text-field limit.
const PASTED_FILE_BYTES = Infinity;

/** The file from the upload, or the content the preview carried forward. */
async function read(form: FormData) {
	const file = form.get('file');
	const upload = file instanceof File && file.size > 0 ? file : null;
	const content = upload ? await upload.text() : String(form.get('content') ?? '');
	const name = upload?.name ?? String(form.get('filename') ?? '');
	const format: 'csv' | 'geojson' = /\.(geo)?json$/i.test(name) || content.trimStart().startsWith('{') ? 'geojson' : 'csv';
	const crsRaw = String(form.get('crs') ?? 'wgs84');
	const crs: importer.Crs = crsRaw === 'gcj02' || crsRaw === 'bd09' ? crsRaw : 'wgs84';
	return { content, name, format, crs };
}

export const actions: Actions = {
	preview: async ({ locals, request }) => {
		staffOnly(locals, MAY.administer);
		const input = await read(await formOf(request, PASTED_FILE_BYTES));
		if (!input.content.trim()) return fail(400, { ...input, content: '', errors: [{ row: 0, column: 'file', message: 'shelters.import.no_file' }], rows: [] });
		const towns = await locals.db(townCodes);
		const { rows, errors } = importer.parseFile(input.content, input.format, input.crs, towns);
		if (errors.length) return fail(400, { ...input, content: '', errors: errors.slice(0, 200), rows: [] });
		return { ...input, errors: [], rows };
	},
	import: async ({ locals, request }) => {
		staffOnly(locals, MAY.administer);
		const input = await read(await formOf(request, PASTED_FILE_BYTES));
		const towns = await locals.db(townCodes);
		const { rows, errors } = importer.parseFile(input.content, input.format, input.crs, towns);
		if (errors.length || rows.length === 0) return fail(400, { ...input, content: '', errors, rows: [] });
		try {
			const done = await locals.db((tx) => importer.write(tx, rows));
			redirect(303, `/console/shelters/import?inserted=${done.inserted}&updated=${done.updated}`);
		} catch (e) {
			if ((e as { code?: string }).code === '42501') return fail(403, { ...input, content: '', errors: [{ row: 0, column: '', message: 'shelters.console.no_permission' }], rows: [] });
			throw e;
		}
	}
};
