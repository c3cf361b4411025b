/** POST /api/subscriptions/{id}/confirm {"code"} with X-Subscription-Secret — an SMS subscription's one-time code. */
import { json } from '@sveltejs/kit';
import { refusals } from '../../refuse';
import { confirmSubscription } from '$lib/server/messaging/subscriptions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ params, request, locals }) => {
	const { refuse, fields } = refusals(locals.lang);
	const secret = request.headers.get('x-subscription-secret');
	if (!secret || secret.length > 100) return refuse(401, 'api_no_secret');
	const body = (await request.json().catch(() => null)) as { code?: unknown } | null;
	const code = typeof body?.code === 'string' ? body.code : '';
	if (!/^\s*\d{6}\s*$/.test(code)) return refuse(400, 'api_invalid', { fields: fields({ code: 'must be the 6 digits of the text message' }) });
	const result = await locals.db((tx) => confirmSubscription(tx, params.id, secret, code));
	if (result === 'confirmed') return json({ confirmed: true });
	if (result === 'wrong') return refuse(400, 'api_invalid', { fields: fields({ code: 'this is not the code we sent' }) });
	if (result === 'expired') return refuse(410, 'api_code_expired');
	return refuse(404, 'api_not_found');
};
