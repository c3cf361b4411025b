/**
 * POST /api/subscriptions/receipts {"warning", "subscription", "event": "delivered"|"shown"|"skipped"}
 * — the service worker says a warning reached the phone (and was shown, or skipped
 * because the phone's place is outside the area), for the console's statistics.
 */
import { apiError } from '$lib/server/http';
import { receipt } from '$lib/server/messaging/subscriptions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, locals }) => {
	const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
	const { warning, subscription, event } = body ?? {};
	if (typeof warning !== 'string' || typeof subscription !== 'string' || typeof event !== 'string') {
		return apiError(400, 'send {"warning", "subscription", "event"} as JSON');
	}
	const counted = await locals.db((tx) => receipt(tx, warning, subscription, event));
	return counted ? new Response(null, { status: 204 }) : apiError(404, 'no such delivery (or the event is not delivered, shown or skipped)');
};
