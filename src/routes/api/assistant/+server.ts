/**
 * POST /api/assistant — {"message", "lang", "conversationId"?, "lat"?, "lon"?} →
 * {"conversationId", "intent", "reply", "links": [{"href", "title"}]} (plus "choices" for
 * short replies and "ticket" once a report is filed). Anonymous: rate-limited in the hook
 * like every /api request; reports filed here count against the /report limits.
 */
import { json } from '@sveltejs/kit';
import { converse } from '$lib/server/assistant';
import { parseInput, webChannel } from '$lib/server/assistant/input';
import { apiError } from '$lib/server/http';
import { deviceId } from '$lib/server/reports/device';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, locals, cookies, getClientAddress }) => {
	if (!request.headers.get('content-type')?.startsWith('application/json')) return apiError(415, 'send a JSON body (content-type: application/json)');
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		return apiError(400, 'the body is not valid JSON');
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) return apiError(400, 'the body must be a JSON object');
	const parsed = parseInput(body, locals.lang);
	if ('error' in parsed) return apiError(400, parsed.error, { field: parsed.field });
	const channel = webChannel(services().limits, getClientAddress(), deviceId(cookies), false);
	const { history: _history, step: _step, ...reply } = await locals.db((tx) => converse(tx, { id: parsed.conversationId, message: parsed.message, channel }));
	return json(reply, { headers: { 'cache-control': 'no-store' } });
};
