import { error } from '@sveltejs/kit';
import { exportCsv, exportGeoJson } from '$lib/server/shelters/export';
import type { RequestHandler } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

/** The registry in the import formats (CSV or GeoJSON), as the caller may read it. */
export const GET: RequestHandler = async ({ locals, url }) => {
	staffOnly(locals);
	const format = url.searchParams.get('format');
	if (format !== 'csv' && format !== 'geojson') error(400, 'format must be csv or geojson');
	const body = await locals.db((tx) => (format === 'csv' ? exportCsv(tx) : exportGeoJson(tx)));
	const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/geo+json';
	return new Response(body, {
		headers: { 'content-type': type, 'content-disposition': `attachment; filename="shelters.${format}"`, 'cache-control': 'no-store' }
	});
};
