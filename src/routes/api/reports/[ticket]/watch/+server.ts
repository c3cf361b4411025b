/**
 * POST /api/reports/{ticket}/watch {"token", "subscription"} with X-Subscription-Secret —
 * the phone following a report asks for a push at each public step of it.
 */
import { apiError } from '$lib/server/http';
import { watchReport } from '$lib/server/messaging/report-updates';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ params, request, locals }) => {
	const secret = request.headers.get('x-subscription-secret');
	if (!secret || secret.length > 100) return apiError(401, 'send the subscription secret in the X-Subscription-Secret header');
	const body = (await request.json().catch(() => null)) as { token?: unknown; subscription?: unknown } | null;
	if (typeof body?.token !== 'string' || typeof body.subscription !== 'string') {
		return apiError(400, 'send {"token": <the tracking token>, "subscription": <the subscription id>} as JSON');
	}
	const { token, subscription } = body;
	const watching = await locals.db((tx) => watchReport(tx, params.ticket, token, subscription, secret));
	return watching ? new Response(null, { status: 204 }) : apiError(404, 'no report with this ticket and token, or no push subscription with this id and secret');
};
