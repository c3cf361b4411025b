import { json } from '@sveltejs/kit';
import { apiError } from '$lib/server/http';
import { MAX_CHECKIN_BYTES, screenState } from '$lib/server/display';
import type { RequestHandler } from './$types';

// A screen's check-in and poll in one: POST (so the anonymous write budget applies per
// address), with no body to speak of, and no personal data.
export const POST: RequestHandler = async ({ locals, params, request }) => {
	const body = await request.arrayBuffer();
	if (body.byteLength > MAX_CHECKIN_BYTES) return apiError(413, `body: a check-in carries nothing; at most ${MAX_CHECKIN_BYTES} bytes`);
	const state = await locals.db((tx) => screenState(tx, params.screen));
	if (!state) return apiError(404, 'screen: no such display screen');
	return json(state, { headers: { 'cache-control': 'no-store' } });
};
