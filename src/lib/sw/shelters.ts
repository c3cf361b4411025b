/// <reference lib="webworker" />
/**
 * Shelters offline: the snapshot (every shelter, route and the district outline) is kept
 * on the device, fresh from the network when there is one; the shelters page computes
 * the nearest shelter from it when the network is gone. Warmed at install, so it is there
 * even before the visitor first opens the page. Every shelter's page, the lists and the
 * first page of the visit are kept as well (keep.ts).
 */
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { registerKeptPages } from './keep';

export const SHELTER_SNAPSHOT_URL = '/api/shelters/snapshot';
const CACHE = 'shelters';

export function registerShelters(sw: ServiceWorkerGlobalScope): void {
	registerRoute(
		({ url, request }) => request.method === 'GET' && url.pathname === SHELTER_SNAPSHOT_URL,
		new NetworkFirst({ cacheName: CACHE, networkTimeoutSeconds: 4 })
	);
	sw.addEventListener('install', (event) => {
		// Best effort: an install must not fail because the network did.
		event.waitUntil(
			caches
				.open(CACHE)
				.then((cache) => cache.add(SHELTER_SNAPSHOT_URL))
				.catch(() => undefined)
		);
	});
	registerKeptPages(sw, SHELTER_SNAPSHOT_URL, CACHE);
}
