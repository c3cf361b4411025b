/**
 * Public pages rendered once per (route, language, data version), with an ETag (the
 * SvelteKit runtime answers a matching If-None-Match with 304) and compressed once
 * (brotli and gzip) instead of per request.
 *
 * Only what is the same for everyone is kept: GET requests without credentials of any
 * kind (no Authorization, no session or volunteer cookie), on the public routes below,
 * answered 200 without setting a cookie and without reading one (the language aside: it
 * is in the key). Everything else is `private, no-store` unless its route says otherwise
 * itself: a page that reads a cookie may carry the device's or a person's data (/report
 * carried its report's private tracking token, /safe the same, with no Cache-Control at
 * all: an outside tester's finding), so public caching is what a route is declared for,
 * never a default.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { REFRESH_COOKIE, SESSION_COOKIE } from '../auth/cookie';
import { VOLUNTEER_COOKIE } from '../volunteers/sign-in';
import { pickEncoding } from './compress';
import { LANG_COOKIE } from '../../i18n';

/** What a CDN or proxy may do with a public page: keep it 5 s, serve it stale for 30 s while it asks again. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=30';
export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/** The pages a warning sends everyone to, and their `__data.json`. */
const PUBLIC_PAGE =
	/^\/(?:warnings(?:\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?\/?|scenic\/?|shelters\/?|guides(?:\/[a-z0-9_-]{1,64})?\/?|numbers\/?|prepare\/?|)(?:__data\.json)?$/;
/** Query parameters that may vary a kept page (others, like ?town= on /shelters, need the database). */
const KEPT_PARAMS = new Set(['x-sveltekit-invalidated', 'hazard']);
const MAX_ENTRIES = 400;

type Entry = { status: number; headers: [string, string][]; identity: Buffer; br: Buffer | null; gzip: Buffer | null; etag: string };

/** Whether a path is one of the pages declared public (kept, and cached by CDNs, when its render reads no cookie). */
export const isPublicPagePath = (path: string) => PUBLIC_PAGE.test(path);

const isPrivatePath = (path: string) => /^\/(console|volunteer)(\/|$)/.test(path);

export function isCacheable(event: Pick<RequestEvent, 'request' | 'url' | 'cookies' | 'isDataRequest'>): boolean {
	const { request, url, cookies } = event;
	if (request.method !== 'GET') return false;
	// The request's own cookies: an expired session, cleared by the identity hook, still gets its own answer.
	const sent = request.headers.get('cookie') ?? '';
	if (request.headers.has('authorization') || [SESSION_COOKIE, REFRESH_COOKIE, VOLUNTEER_COOKIE].some((name) => cookies.get(name))) return false;
	if ([SESSION_COOKIE, REFRESH_COOKIE, VOLUNTEER_COOKIE].some((name) => sent.includes(`${name}=`))) return false;
	if (!PUBLIC_PAGE.test(url.pathname)) return false;
	for (const name of url.searchParams.keys()) if (!KEPT_PARAMS.has(name)) return false;
	return true;
}

/**
 * A cache of rendered public pages. `version()` names the data the pages were made
 * from; when it changes, every kept page is dropped.
 */
export class PageCache {
	#entries = new Map<string, Promise<Entry | null>>();
	#version = '';

	constructor(private readonly version: () => Promise<string>) {}

	get size(): number {
		return this.#entries.size;
	}

	readonly handle: Handle = async ({ event, resolve }) => {
		if (!isCacheable(event) || event.locals.identity?.kind !== 'anon' || event.locals.volunteer) {
			const response = await resolve(event);
			// Staff and volunteer pages are private whatever they say; the rest, unless the route chose.
			if (isPrivatePath(event.url.pathname) || event.locals.identity?.kind !== 'anon' || event.locals.volunteer || !response.headers.has('cache-control')) {
				trySet(response, 'cache-control', PRIVATE_CACHE_CONTROL);
			}
			return response;
		}
		const reads = watchCookieReads(event);
		const version = await this.version();
		if (version !== this.#version) {
			this.#entries.clear();
			this.#version = version;
		}
		// SvelteKit gives a data request the page's URL: isDataRequest tells __data.json apart.
		const key = `${event.locals.lang}|${event.isDataRequest ? 'data' : 'page'}|${event.url.pathname}${event.url.search}`;
		let pending: Promise<Entry | null> | undefined = this.#entries.get(key);
		// The rendering request's own response, when it turned out not to be cacheable.
		const own: { response: Response | null } = { response: null };
		if (!pending) {
			// The first request renders; others asking meanwhile wait for it (no stampede).
			const rendering = (async () => {
				const response = await resolve(event);
				// A render that read a cookie may hold what is the device's own: never kept, never public.
				const entry = reads.any ? null : await toEntry(response);
				if (!entry) {
					if (reads.any || !response.headers.has('cache-control')) trySet(response, 'cache-control', PRIVATE_CACHE_CONTROL);
					own.response = response;
				}
				return entry;
			})();
			if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
			this.#entries.set(key, rendering);
			const forget = () => this.#entries.get(key) === rendering && this.#entries.delete(key);
			rendering.then((entry) => !entry && forget(), forget);
			pending = rendering;
		}
		const entry = await pending;
		if (own.response) return own.response;
		// Not cacheable after all (an error page, a redirect): render this request itself.
		if (!entry) {
			const response = await resolve(event);
			if (reads.any || !response.headers.has('cache-control')) trySet(response, 'cache-control', PRIVATE_CACHE_CONTROL);
			return response;
		}
		return fromEntry(entry, event.request.headers.get('accept-encoding'));
	};
}

/** Notes whether the rest of this request's handling reads a cookie (the language cookie aside: it is in the key). */
function watchCookieReads(event: Pick<RequestEvent, 'cookies'>): { any: boolean } {
	const reads = { any: false };
	const { cookies } = event;
	const get = cookies.get.bind(cookies);
	const getAll = cookies.getAll.bind(cookies);
	cookies.get = (name, options) => {
		if (name !== LANG_COOKIE) reads.any = true;
		return get(name, options);
	};
	cookies.getAll = (options) => {
		reads.any = true;
		return getAll(options);
	};
	return reads;
}

function trySet(response: Response, name: string, value: string) {
	try {
		response.headers.set(name, value);
	} catch {
		// immutable headers (a fetched response): leave them
	}
}

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|atom\+xml|cap\+xml|manifest\+json))/;

async function toEntry(response: Response): Promise<Entry | null> {
	if (response.status !== 200 || response.headers.has('set-cookie') || response.headers.has('content-encoding')) return null;
	const type = response.headers.get('content-type') ?? '';
	if (!COMPRESSIBLE.test(type)) return null;
	const identity = Buffer.from(await response.arrayBuffer());
	const big = identity.length >= 1024;
	const headers: [string, string][] = [];
	response.headers.forEach((value, name) => {
		if (!['content-length', 'cache-control', 'etag', 'vary'].includes(name)) headers.push([name, value]);
	});
	return {
		status: 200,
		headers,
		identity,
		br: big ? brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } }) : null,
		gzip: big ? gzipSync(identity, { level: 6 }) : null,
		etag: createHash('sha256').update(identity).digest('base64url').slice(0, 22)
	};
}

function fromEntry(entry: Entry, acceptEncoding: string | null): Response {
	const encoding = pickEncoding(acceptEncoding, { br: !!entry.br, gzip: !!entry.gzip });
	const body = encoding === 'br' ? entry.br! : encoding === 'gzip' ? entry.gzip! : entry.identity;
	const headers = new Headers(entry.headers);
	headers.set('cache-control', PUBLIC_CACHE_CONTROL);
	headers.set('vary', 'Accept-Encoding, Accept-Language, Cookie');
	// One ETag per representation (RFC 9110 §8.8.3): the encodings are different bytes.
	headers.set('etag', `"${entry.etag}${encoding === 'identity' ? '' : `-${encoding}`}"`);
	headers.set('content-length', String(body.length));
	if (encoding !== 'identity') headers.set('content-encoding', encoding);
	return new Response(body as unknown as BodyInit, { status: entry.status, headers });
}
