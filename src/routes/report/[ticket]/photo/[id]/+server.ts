import { error } from '@sveltejs/kit';
import { photo } from '$lib/server/reports/track';
import type { RequestHandler } from './$types';

/** A photo of one's own report, by the tracking token. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const id = Number(params.id);
	if (!Number.isSafeInteger(id)) error(404, 'not found');
	const found = await locals.db((tx) => photo(tx, url.searchParams.get('t') ?? '', id));
	if (!found) error(404, 'not found');
	return new Response(Buffer.from(found.bytes), {
		headers: {
			'content-type': found.content_type,
			'cache-control': 'private, max-age=3600',
			'x-content-type-options': 'nosniff',
			'referrer-policy': 'no-referrer'
		}
	});
};
