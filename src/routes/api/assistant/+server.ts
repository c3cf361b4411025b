/**
 * POST /api/assistant — {"message", "lang", "conversationId"?, "lat"?, "lon"?} →
 * {"conversationId", "intent", "reply", "links": [{"href", "title"}]} (plus "choices" for
 * short replies and "ticket" once a report is filed). Without "lang" the reply is in the
 * message's own language, else the caller's (Accept-Language). Anonymous: its own budget
 * (assistant/limits.ts), spent after the message is read: over it, an emergency still gets
 * its call box (200), anything else 429 with words in both languages, the seconds to wait
 * and the numbers to call. Reports filed here count against the /report limits.
 */
import { json } from '@sveltejs/kit';
import { converse } from '$lib/server/assistant';
import { parseInput, webChannel } from '$lib/server/assistant/input';
import { assistantWait, callLinks, limited, limitedWords } from '$lib/server/assistant/limits';
import { apiError } from '$lib/server/http';
import { languageOf } from '$lib/assistant/text';
import { deviceId } from '$lib/server/reports/device';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';
import { mediaType } from '$lib/server/media-type';

export const POST: RequestHandler = async ({ request, locals, cookies, getClientAddress }) => {
	if (mediaType(request) !== 'application/json') return apiError(415, 'send a JSON body (content-type: application/json)');
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		return apiError(400, 'the body is not valid JSON');
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) return apiError(400, 'the body must be a JSON object');
	// Without a "lang", the answer follows the message's own language, then the caller's (Accept-Language, or the saved choice).
	const message = (body as { message?: unknown }).message;
	const parsed = parseInput(body, (typeof message === 'string' && languageOf(message)) || locals.lang);
	if ('error' in parsed) return apiError(400, parsed.error, { field: parsed.field });
	const { limits } = services();
	const wait = assistantWait(limits, getClientAddress(), deviceId(cookies));
	if (wait) {
		// Over the budget an emergency still gets its call box (and nothing is stored); anything else waits, told when in both languages.
		const { lang } = parsed.message;
		const call = limited(lang, parsed.message.text);
		const retry = { 'retry-after': String(wait), 'cache-control': 'no-store' };
		if (call) return json({ conversationId: parsed.conversationId, ...call, retryAfterSeconds: wait }, { headers: retry });
		const words = limitedWords(wait);
		return apiError(429, words.en, { error_zh: words['zh-CN'], retryAfterSeconds: wait, links: callLinks(lang) }, retry);
	}
	const channel = webChannel(limits, getClientAddress(), deviceId(cookies), false);
	const { history: _history, step: _step, ...reply } = await locals.db((tx) => converse(tx, { id: parsed.conversationId, message: parsed.message, channel }));
	return json(reply, { headers: { 'cache-control': 'no-store' } });
};
