/// <reference lib="webworker" />
/**
 * The pages a resident must be able to read with the network gone, after one visit to any
 * page: every shelter's page (with its map hand-off links), the shelter list, the warnings
 * list and /alerts — and the very page of the first visit, which loaded before the worker
 * existed and so went past it. Each page states its own "as of" time.
 *
 * - These pages are served network first from their own cache, keyed without the query
 *   (`?lang=` is the page in the chosen language; SvelteKit's `x-sveltekit-*` parameters
 *   only pick which data nodes to send), so the warmed copy answers any of them offline.
 * - Their client-side data (`__data.json`) is kept too, but only whole (a response with
 *   skipped nodes could not rebuild the page later), so links work offline without reload.
 * - At install (so the first visit's worker holds them before it takes over, and a new
 *   version's pages match its assets) all are fetched, one at a time; after navigations
 *   (at most every FRESH_MS) those older than FRESH_MS again; pages of retired shelters go.
 */
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import type { WorkboxPlugin } from 'workbox-core';
import type { ShelterSnapshot } from '$lib/shelters/types';

export const KEPT_CACHE = 'kept-pages';
/** The catch-all page cache of service-worker.ts, where the first page of a visit goes. */
const PAGES_CACHE = 'pages';
const FRESH_MS = 15 * 60_000;
const INSTALL_WAIT_MS = 20_000;
const SHELTER = /^\/shelters\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LISTS = ['/shelters', '/warnings', '/alerts'];
const DATA = '/__data.json';

/** The kept page a path belongs to (without `/__data.json`), or null. */
function keptPath(pathname: string): string | null {
	const page = pathname.endsWith(DATA) ? pathname.slice(0, -DATA.length) : pathname.replace(/(.)\/$/, '$1');
	return LISTS.includes(page) || SHELTER.test(page) ? page : null;
}

function withoutQuery(url: string): string {
	const u = new URL(url);
	u.search = '';
	return u.href;
}

const keyWithoutQuery: WorkboxPlugin = {
	cacheKeyWillBeUsed: async ({ request }) => withoutQuery(request.url),
	// Only what answers every later request: whole data, and the shelter list without a place
	// (an answer for one place, read later as if current, would mislead).
	cacheWillUpdate: async ({ request, response }) => {
		if (!response.ok) return null;
		const url = new URL(request.url);
		if ((url.searchParams.get('x-sveltekit-invalidated') ?? '').includes('0')) return null;
		const place = ['lat', 'lon', 'town'].some((p) => url.searchParams.has(p));
		return url.pathname.startsWith('/shelters') && !SHELTER.test(keptPath(url.pathname) ?? '') && place ? null : response;
	}
};

async function fetchInto(cache: Cache, key: string, url = key): Promise<boolean> {
	const response = await fetch(url, { credentials: 'same-origin' }).catch(() => null);
	if (!response?.ok) return false;
	await cache.put(key, response);
	return true;
}

function fresh(response: Response | undefined): boolean {
	const date = Date.parse(response?.headers.get('date') ?? '');
	return Number.isFinite(date) && Date.now() - date < FRESH_MS;
}

async function shelterIds(snapshotUrl: string, snapshotCache: string): Promise<string[] | null> {
	const cache = await caches.open(snapshotCache);
	if (!fresh(await cache.match(snapshotUrl))) await fetchInto(cache, snapshotUrl);
	const kept = await cache.match(snapshotUrl);
	if (!kept) return null;
	return ((await kept.json()) as ShelterSnapshot).shelters.map((s) => s.id);
}

/** The pages open now (the first visit's page among them), into the cache their route reads. */
async function keepOpenPages(sw: ServiceWorkerGlobalScope): Promise<void> {
	const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
	for (const client of windows) {
		const url = new URL(client.url);
		if (url.origin !== location.origin || /^\/(console|api)(\/|$)/.test(url.pathname)) continue;
		if (keptPath(url.pathname)) continue; // kept below, with the others
		if (/^\/guides(\/|$)/.test(url.pathname)) continue; // guides.ts keeps every guide
		const cache = await caches.open(PAGES_CACHE);
		if (!(await cache.match(url.href))) await fetchInto(cache, url.href);
	}
}

async function keepReadable(sw: ServiceWorkerGlobalScope, snapshotUrl: string, snapshotCache: string, all: boolean): Promise<void> {
	await keepOpenPages(sw);
	const cache = await caches.open(KEPT_CACHE);
	const ids = await shelterIds(snapshotUrl, snapshotCache);
	const pages = [...LISTS, ...(ids ?? []).map((id) => `/shelters/${id}`)];
	for (const page of pages) {
		for (const path of [page, page + DATA]) {
			const key = new URL(path, location.origin).href;
			if (!all && fresh(await cache.match(key))) continue;
			if (!(await fetchInto(cache, key))) return; // offline again, or the server struggles: next time
		}
	}
	if (!ids) return;
	const known = new Set(pages);
	for (const request of await cache.keys()) {
		const path = keptPath(new URL(request.url).pathname);
		if (path && !known.has(path)) await cache.delete(request);
	}
}

export function registerKeptPages(sw: ServiceWorkerGlobalScope, snapshotUrl: string, snapshotCache: string): void {
	const strategy = new NetworkFirst({ cacheName: KEPT_CACHE, networkTimeoutSeconds: 5, plugins: [keyWithoutQuery] });
	registerRoute(
		({ request, url }) =>
			request.method === 'GET' && url.origin === location.origin && (request.mode === 'navigate' || url.pathname.endsWith(DATA)) && keptPath(url.pathname) !== null,
		strategy
	);

	let running: Promise<void> | null = null;
	let last = 0;
	const refresh = (all: boolean) => {
		if (!running && (all || Date.now() - last > FRESH_MS)) {
			last = Date.now();
			running = keepReadable(sw, snapshotUrl, snapshotCache, all)
				.catch(() => undefined)
				.finally(() => (running = null));
		}
		return running ?? Promise.resolve();
	};
	// Bounded, so a slow network delays the worker's start by at most INSTALL_WAIT_MS; what is
	// left is fetched after later navigations.
	sw.addEventListener('install', (event) => event.waitUntil(Promise.race([refresh(true), new Promise((r) => setTimeout(r, INSTALL_WAIT_MS))])));
	// Not respondWith: the routes answer; this only refreshes the kept copies now and then.
	sw.addEventListener('fetch', (event) => {
		if (event.request.mode === 'navigate') event.waitUntil(refresh(false));
	});
}
