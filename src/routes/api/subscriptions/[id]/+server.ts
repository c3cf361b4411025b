/**
 * GET /api/subscriptions/{id} — everything stored about a subscription;
 * DELETE — all of it, at once. Both need the secret: `Authorization: Bearer` is taken
 * by API keys, so it travels in `X-Subscription-Secret`.
 */
import { json } from '@sveltejs/kit';
import { apiError } from '$lib/server/http';
import { deleteSubscription, readSubscription } from '$lib/server/messaging/subscriptions';
import type { RequestHandler } from './$types';

const NOT_FOUND = 'no subscription with this id and secret';

function secretOf(request: Request): string | null {
	const secret = request.headers.get('x-subscription-secret');
	return secret && secret.length <= 100 ? secret : null;
}

export const GET: RequestHandler = async ({ params, request, locals }) => {
	const secret = secretOf(request);
	if (!secret) return apiError(401, 'send the secret in the X-Subscription-Secret header');
	const data = await locals.db((tx) => readSubscription(tx, params.id, secret));
	return data ? json(data, { headers: { 'cache-control': 'no-store' } }) : apiError(404, NOT_FOUND);
};

export const DELETE: RequestHandler = async ({ params, request, locals }) => {
	const secret = secretOf(request);
	if (!secret) return apiError(401, 'send the secret in the X-Subscription-Secret header');
	const deleted = await locals.db((tx) => deleteSubscription(tx, params.id, secret));
	return deleted ? new Response(null, { status: 204 }) : apiError(404, NOT_FOUND);
};
