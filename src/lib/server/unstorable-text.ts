/**
 * Text PostgreSQL cannot store: a NUL character (U+0000) — `text` refuses it, and
 * `jsonb` refuses its `\u0000` escape — and a lone UTF-16 surrogate (U+D800–U+DFFF
 * without its pair), which is no character at all: `jsonb` refuses its escape, and the
 * drivers would silently store U+FFFD in its place. Either answered a 500 from deep in
 * a query. Such text is refused at the door, once per kind of input, with a 400 that
 * names the field, and nothing is written:
 * - form bodies, where they are read (`readForm`/`formOf` in http.ts, `readLimitedForm`);
 * - JSON and XML bodies, query strings and path parameters, in the `unstorableText` hook.
 * Refused, not stripped: the text is what a person or a system sent, and a silently
 * changed report or warning is worse than a clear "remove this character".
 */
import { error, type Handle } from '@sveltejs/kit';
import { building } from '$app/environment';
import { apiError, wantsJson } from './http';
import { translatorFor } from './i18n';
import { refuse } from './open311/format';
import { takesPhotos } from './reports/uploads';
import { mediaType } from './media-type';

/** The message (and App.Error `message`) of a refusal; `field` names where. */
export const TEXT_UNSTORABLE = 'text_unstorable';

// A NUL or another C0 control character but tab, LF and CR (XML 1.0 forbids them, so one
// in a warning's headline broke the CAP feed for strict readers, and no person types
// them), a high surrogate not followed by a low one, or a low one not preceded by a high one.
// The warning text columns check the same in SQL (20261206800000_control_characters.sql).
const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isUnstorable(text: string): boolean {
	return UNSTORABLE.test(text);
}

/**
 * The path of the first string (or object key) PostgreSQL cannot store in a parsed JSON
 * value, as `a.b[2]`, or null. `at` is the path of `value` itself ('' for the whole body).
 */
export function unstorableInJson(value: unknown, at = ''): string | null {
	if (typeof value === 'string') return isUnstorable(value) ? at || 'body' : null;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) {
			const found = unstorableInJson(value[i], `${at}[${i}]`);
			if (found) return found;
		}
		return null;
	}
	if (value && typeof value === 'object') {
		for (const [key, inner] of Object.entries(value)) {
			const path = at ? `${at}.${key}` : key;
			if (isUnstorable(key)) return path;
			const found = unstorableInJson(inner, path);
			if (found) return found;
		}
	}
	return null;
}

/** The first form field (or query parameter) whose name or text value cannot be stored. Files' bytes are no text. */
export function unstorableInForm(form: FormData | URLSearchParams): string | null {
	for (const [name, value] of form.entries()) {
		if (isUnstorable(name)) return name;
		if (typeof value === 'string' ? isUnstorable(value) : isUnstorable(value.name)) return name;
	}
	return null;
}

// A character reference to NUL, another refused control character or a surrogate:
// decoded by the XML parser into the text.
const BAD_REFERENCE = /&#(?:x0*(?:[0-8bcef]|1[0-9a-f]|d[89a-f][0-9a-f]{2})|0*(?:[0-8]|1[124-9]|2\d|3[01]|5529[6-9]|55[3-9]\d\d|56[0-9]\d\d|57[0-2]\d\d|573[0-3]\d|5734[0-3]));/i;

/**
 * The element around the first character an XML body cannot have stored — a raw NUL or
 * a character reference to NUL or a surrogate — or null. (A decoded body holds no lone
 * surrogate: UTF-8 decoding already turned broken bytes into U+FFFD.)
 */
export function unstorableInXml(xml: string): string | null {
	const nul = xml.indexOf('\u0000');
	const ref = xml.search(BAD_REFERENCE);
	const at = nul < 0 ? ref : ref < 0 ? nul : Math.min(nul, ref);
	if (at < 0) return null;
	const opened = [...xml.slice(0, at).matchAll(/<([A-Za-z_][\w.:-]*)[^>]*>/g)];
	return opened.at(-1)?.[1] ?? 'body';
}

/** What a client is told: which field, and what to do. */
export function unstorableMessage(field: string): string {
	return `${field}: the text contains a character that cannot be stored (a NUL or other control character U+0000–U+001F other than tab and line breaks, or a lone UTF-16 surrogate); remove it and send again`;
}

/** A page's form refusal (the error page words it in the page's language). */
export function refuseUnstorable(field: string): never {
	error(400, { message: TEXT_UNSTORABLE, field });
}

/**
 * Where an event's query, path parameters or body has unstorable text, or null. Bodies
 * are judged by what they hold, not by their declared type (several routes parse JSON
 * whatever the content type says). Forms are checked where they are read (readForm),
 * so that a page can word the refusal; the photo routes take forms only, as streams.
 */
export async function unstorableInRequest(request: Request, url: URL, params: Record<string, string>, routeId: string | null): Promise<string | null> {
	const query = unstorableInForm(url.searchParams);
	if (query) return query;
	for (const [name, value] of Object.entries(params)) if (isUnstorable(value)) return name;
	if (!request.body || takesPhotos(routeId)) return null;
	const type = mediaType(request);
	if (type === 'multipart/form-data') return null;
	// A clone: the route reads the body itself (bodyLimit has bounded it already).
	const text = await request.clone().text();
	try {
		return unstorableInJson(JSON.parse(text));
	} catch {
		// not JSON: a form, XML, or anything else the route refuses in its own words
	}
	if (type === 'application/x-www-form-urlencoded') return null;
	if (text.trimStart().startsWith('<')) return unstorableInXml(text);
	return text.includes('\u0000') ? 'body' : null;
}

/**
 * The hook. Open311 callers get the spec's error list; API callers `{error, field}`;
 * a page (a query string typed or pasted into the address bar) a plain 400 in both languages.
 */
export const unstorableText: Handle = async ({ event, resolve }) => {
	// Prerendered pages have no query and no body (and may not read the query).
	if (building) return resolve(event);
	const field = await unstorableInRequest(event.request, event.url, event.params, event.route.id);
	if (!field) return resolve(event);
	const message = unstorableMessage(field);
	if (event.route.id?.startsWith('/open311/')) return refuse(event.url.pathname, 400, message);
	if (wantsJson(event.url.pathname, event.request.headers.get('accept')) || event.request.method !== 'GET') {
		return apiError(400, message, { field, code: TEXT_UNSTORABLE });
	}
	const words = (['zh-CN', 'en'] as const).map((lang) => translatorFor(lang)('errors.text_unstorable', { field }));
	return new Response(`400\n${words.join('\n')}\n`, {
		status: 400,
		headers: { 'content-type': 'text/plain; charset=utf-8' }
	});
};
