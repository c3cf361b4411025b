/**
 * The one place where "the database is unavailable" becomes an HTTP answer: 503 with
 * Retry-After, never a 500 with a stack. Two ways in:
 *  - thrown from a handle (identity, rate limits) it reaches `unavailableHandle`, which
 *    answers in the shape the caller reads: JSON for APIs, an action result for
 *    `use:enhance` forms (they keep what was typed), a short page in both languages;
 *  - thrown from a load, an action or an endpoint, SvelteKit hands it to `handleError`
 *    (which calls `unavailableError` and renders the error page with its message), and
 *    `unavailableHandle` then gives that response its 503 and Retry-After.
 */
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { DatabaseUnavailableError, isUnavailable } from './db/unavailable';
import { messagesFor } from './i18n';
import { wantsJson } from './http';

export const UNAVAILABLE_MESSAGE = 'unavailable';

// Which requests' errors were the database being away (set in handleError). Keyed by
// the Request: SvelteKit hands handleError a different event object than the handles.
const seen = new WeakMap<Request, DatabaseUnavailableError>();

/** For handleError: the App.Error of an unavailable database, or null for any other error. */
export function unavailableError(error: unknown, event: RequestEvent): App.Error | null {
	if (!isUnavailable(error)) return null;
	seen.set(event.request, error);
	return { message: UNAVAILABLE_MESSAGE };
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);

function page(): string {
	const [zh, en] = (['zh-CN', 'en'] as const).map((lang) => messagesFor(lang).unavailable as Record<string, string>);
	const block = (lang: string, m: Record<string, string>) =>
		`<section lang="${lang}"><h1>${escape(m.title!)}</h1><p>${escape(m.body!)}</p><p><a href="">${escape(m.retry!)}</a></p></section>`;
	return (
		`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
		`<title>${escape(zh!.title!)} · ${escape(en!.title!)}</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem">` +
		`${block('zh-CN', zh!)}<hr>${block('en', en!)}</body></html>`
	);
}

/** The whole answer, for an error that never reached SvelteKit's rendering. */
export function unavailableResponse(event: RequestEvent, error: DatabaseUnavailableError): Response {
	const headers = { 'retry-after': String(error.retryAfterSeconds), 'cache-control': 'no-store' };
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		// what `use:enhance` reads: an error result whose status (503) the form can check
		return Response.json({ type: 'error', error: { message: UNAVAILABLE_MESSAGE } }, { status: 503, headers });
	}
	if (wantsJson(event.url.pathname, event.request.headers.get('accept')) || event.url.pathname.endsWith('/__data.json')) {
		return Response.json({ error: 'database unavailable', reason: error.reason, retryAfterSeconds: error.retryAfterSeconds }, { status: 503, headers });
	}
	return new Response(page(), { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
}

/** First in the sequence after the response headers: every way out passes here. */
export const unavailableHandle: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		response = await resolve(event);
	} catch (error) {
		if (isUnavailable(error)) return unavailableResponse(event, error);
		throw error;
	}
	const error = seen.get(event.request);
	if (!error || response.status !== 500) return response;
	const headers = new Headers(response.headers);
	headers.set('retry-after', String(error.retryAfterSeconds));
	headers.set('cache-control', 'no-store');
	return new Response(response.body, { status: 503, headers });
};
