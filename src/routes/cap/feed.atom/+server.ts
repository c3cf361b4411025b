import { atomFeed } from '$lib/server/warnings/feed';
import * as warnings from '$lib/server/warnings/store';
import type { RequestHandler } from './$types';

/** Atom index of the current warnings, each linking to its CAP document (the CAP-feeds convention). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const active = await locals.db((tx) => warnings.active(tx));
	return new Response(atomFeed(active, url.origin), {
		headers: { 'content-type': 'application/atom+xml; charset=utf-8', 'cache-control': 'public, max-age=30' }
	});
};
