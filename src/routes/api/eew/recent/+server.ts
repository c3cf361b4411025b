import { json } from '@sveltejs/kit';
import { recentEews } from '$lib/server/eew/store';
import type { RequestHandler } from './$types';

/** Early warnings still running (origin within the last two minutes): for a page that opens during one. */
export const GET: RequestHandler = async ({ locals }) =>
	json(await locals.db((tx) => recentEews(tx)), { headers: { 'cache-control': 'no-store' } });
