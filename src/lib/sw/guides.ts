/**
 * Service-worker routes for the knowledge base. The guides are what a resident needs
 * when the network is gone, so:
 * - every guide page (and the list, and their client-side data) is kept after a visit,
 *   network first so it is fresh when possible;
 * - after the first guide page is seen, the other guides are fetched into the same cache
 *   in the background (each ~10 KB over the wire; measured in docs/decisions.md);
 * - the compact search index (/guides/search-<lang>.json) is prerendered and precached
 *   with the app shell, so search works offline from the first visit.
 * `?lang=` is left out of the cache key: the page in the chosen language is the page.
 */
import { matchPrecache } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import type { WorkboxPlugin } from 'workbox-core';

const CACHE = 'guides';
const PAGE = /^\/guides(?:\/[a-z][a-z0-9_]*)?\/?$/;
const DATA = /^\/guides(?:\/[a-z][a-z0-9_]*)?\/__data\.json$/;
const INDEX = '/guides/search-zh-CN.json';

const withoutLang: WorkboxPlugin = {
	cacheKeyWillBeUsed: async ({ request }) => {
		const url = new URL(request.url);
		if (!url.searchParams.has('lang')) return request;
		url.searchParams.delete('lang');
		return url.href;
	}
};

let filling: Promise<void> | null = null;

/** Fetch every guide not yet on the device (one at a time: the network may be poor). */
async function keepAllGuides(): Promise<void> {
	const index = await matchPrecache(INDEX);
	if (!index) return;
	const slugs = ((await index.json()) as { slug: string }[]).map((doc) => doc.slug);
	const cache = await caches.open(CACHE);
	for (const slug of slugs) {
		const url = new URL(`/guides/${slug}`, location.origin).href;
		if (await cache.match(url)) continue;
		const response = await fetch(url, { credentials: 'same-origin' }).catch(() => null);
		if (!response?.ok) return; // offline again, or the server is struggling: try on a later visit
		await cache.put(url, response);
	}
}

export function registerGuideRoutes(): void {
	const strategy = new NetworkFirst({
		cacheName: CACHE,
		networkTimeoutSeconds: 4,
		plugins: [withoutLang, new ExpirationPlugin({ maxEntries: 150, maxAgeSeconds: 90 * 24 * 3600 })]
	});
	registerRoute(
		({ request, url }) => request.mode === 'navigate' && url.origin === location.origin && PAGE.test(url.pathname),
		async (options) => {
			const response = await strategy.handle(options);
			if (response.ok && options.event) {
				filling ??= keepAllGuides()
					.catch(() => undefined)
					.finally(() => (filling = null));
				options.event.waitUntil(filling);
			}
			return response;
		}
	);
	registerRoute(({ request, url }) => request.method === 'GET' && url.origin === location.origin && DATA.test(url.pathname), strategy);
}
