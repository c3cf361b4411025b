/**
 * GET /api/subscriptions/{id} — everything stored about a subscription;
 * DELETE — all of it, at once. Both need the secret: `Authorization: Bearer` is taken
 * by API keys, so it travels in `X-Subscription-Secret`.
 */
import { json } from '@sveltejs/kit';
import { refusals } from '../refuse';
import { deleteSubscription, readSubscription } from '$lib/server/messaging/subscriptions';
import type { RequestHandler } from './$types';

function secretOf(request: Request): string | null {
	const secret = request.headers.get('x-subscription-secret');
	return secret && secret.length <= 100 ? secret : null;
}

export const GET: RequestHandler = async ({ params, request, locals }) => {
	const { refuse } = refusals(locals.lang);
	const secret = secretOf(request);
	if (!secret) return refuse(401, 'api_no_secret');
	const data = await locals.db((tx) => readSubscription(tx, params.id, secret));
	return data ? json(data, { headers: { 'cache-control': 'no-store' } }) : refuse(404, 'api_not_found');
};

export const DELETE: RequestHandler = async ({ params, request, locals }) => {
	const { refuse } = refusals(locals.lang);
	const secret = secretOf(request);
	if (!secret) return refuse(401, 'api_no_secret');
	const deleted = await locals.db((tx) => deleteSubscription(tx, params.id, secret));
	return deleted ? new Response(null, { status: 204 }) : refuse(404, 'api_not_found');
};
