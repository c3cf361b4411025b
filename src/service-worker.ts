/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The service worker (Workbox). A disaster is when the network fails: the app shell
 * is precached, every page a visitor opens is kept for offline use (network first,
 * so fresh when possible), and a page never seen before falls back to /offline.
 */
import { build, files, prerendered, version } from '$service-worker';
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from 'workbox-precaching';
import { registerRoute, setCatchHandler } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { registerGuideRoutes } from '$lib/sw/guides';
import { neverCached } from '$lib/sw/private-paths';
import { registerPush } from '$lib/sw/push';
import { registerShelters } from '$lib/sw/shelters';

declare const self: ServiceWorkerGlobalScope;

const OFFLINE_PAGE = '/offline';

// Hashed build files carry their revision in the name; the rest take the build version.
precacheAndRoute([
	...build.map((url) => ({ url, revision: null })),
	...files.filter((url) => !url.endsWith('.DS_Store')).map((url) => ({ url, revision: version })),
	...prerendered.map((url) => ({ url, revision: version }))
]);
cleanupOutdatedCaches();
registerShelters(self);
registerPush(self);

const pages = new NetworkFirst({
	cacheName: 'pages',
	networkTimeoutSeconds: 5,
	plugins: [new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 30 * 24 * 3600 })]
});

// Before the catch-all page route: the first matching route answers.
registerGuideRoutes();

// Staff pages hold personal data and are never kept on the device (however the path is spelled).
registerRoute(({ url, request }) => request.mode === 'navigate' && !neverCached(url.pathname), pages);

// Data for client-side navigation between pages (SvelteKit's __data.json).
registerRoute(
	({ url, request }) => request.method === 'GET' && url.pathname.endsWith('/__data.json') && !neverCached(url.pathname),
	pages
);

setCatchHandler(async ({ request }) => {
	if (request.destination === 'document') {
		return (await matchPrecache(OFFLINE_PAGE)) ?? Response.error();
	}
	return Response.error();
});

self.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});
