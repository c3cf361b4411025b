/**
 * POST /api/sms/inbound — the SMS gateway posts the texts residents send back to a
 * warning: JSON {from, text, id?}, with the header `X-Gateway-Token: <SMS_INBOUND_TOKEN>`
 * (not Authorization: that header names staff sessions and API keys to the identity hook).
 * Answers {action, reply, ticket?}; `reply` is the text to send back. Off (404)
 * without SMS_INBOUND_TOKEN.
 */
import { error, json } from '@sveltejs/kit';
import { apiError } from '$lib/server/http';
import { handleReply, parseInbound, tokenMatches } from '$lib/server/messaging/sms/inbound';
import { reportLimit } from '$lib/server/reports/limits';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

const MAX_BODY = 8 * 1024;

export const POST: RequestHandler = async ({ request }) => {
	const { config, db, limits } = services();
	if (!config.smsInbound) error(404, 'the SMS inbound webhook is not enabled on this server (SMS_INBOUND_TOKEN is not set)');
	if (!tokenMatches(request.headers.get('x-gateway-token'), config.smsInbound.token)) {
		return apiError(401, 'x-gateway-token: the SMS_INBOUND_TOKEN is missing or wrong');
	}
	const raw = await request.text();
	if (raw.length > MAX_BODY) return apiError(413, `body: at most ${MAX_BODY} bytes`);
	let body: unknown;
	try {
		body = JSON.parse(raw);
	} catch {
		return apiError(400, 'body: JSON {from, text, id?}');
	}
	const parsed = parseInbound(body);
	if ('error' in parsed) return apiError(400, parsed.error);
	// Calls for help from one number are limited like reports from one device.
	const result = await handleReply(db, parsed.text, (phone) => reportLimit(limits, `sms:${phone}`, `sms:${phone}`));
	return json(result);
};
