import { json } from '@sveltejs/kit';
import * as shelters from '$lib/server/shelters';
import type { RequestHandler } from './$types';

/** GET /api/shelters/snapshot — every shelter and route, the outline and town seats, for offline use. */
export const GET: RequestHandler = async ({ locals, request }) => {
	const snapshot = await locals.db((tx) => shelters.snapshot(tx));
	const etag = `"${snapshot.version}"`;
	const headers = { etag, 'cache-control': 'no-cache' };
	if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
	return json(snapshot, { headers });
};
