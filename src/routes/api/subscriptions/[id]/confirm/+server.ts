/** POST /api/subscriptions/{id}/confirm {"code"} with X-Subscription-Secret — an SMS subscription's one-time code. */
import { json } from '@sveltejs/kit';
import { apiError } from '$lib/server/http';
import { confirmSubscription } from '$lib/server/messaging/subscriptions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ params, request, locals }) => {
	const secret = request.headers.get('x-subscription-secret');
	if (!secret || secret.length > 100) return apiError(401, 'send the secret in the X-Subscription-Secret header');
	const body = (await request.json().catch(() => null)) as { code?: unknown } | null;
	const code = typeof body?.code === 'string' ? body.code : '';
	if (!/^\s*\d{6}\s*$/.test(code)) return apiError(400, 'code: must be the 6 digits of the text message', { fields: { code: 'six digits' } });
	const result = await locals.db((tx) => confirmSubscription(tx, params.id, secret, code));
	if (result === 'confirmed') return json({ confirmed: true });
	if (result === 'wrong') return apiError(400, 'code: this is not the code we sent', { fields: { code: 'wrong' } });
	if (result === 'expired') return apiError(410, 'the code has expired or was tried too often; subscribe again for a new one');
	return apiError(404, 'no subscription with this id and secret');
};
