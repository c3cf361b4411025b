import { error } from '@sveltejs/kit';
import { exportCap, findByIdentifier } from '$lib/server/warnings/cap-store';
import * as warnings from '$lib/server/warnings/store';
import type { RequestHandler } from './$types';

/** One warning message as CAP 1.2 XML: /cap/alerts/<identifier>.xml */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	if (!params.file.endsWith('.xml')) error(404, 'not found');
	const identifier = params.file.slice(0, -4);
	const xml = await locals.db(async (tx) => {
		const id = await findByIdentifier(tx, identifier);
		const message = id ? await warnings.get(tx, id) : null;
		return message ? exportCap(tx, message, url.origin) : null;
	});
	if (!xml) error(404, 'not found');
	return new Response(xml, { headers: { 'content-type': 'application/cap+xml; charset=utf-8', 'cache-control': 'public, max-age=30' } });
};
