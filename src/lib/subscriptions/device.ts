/**
 * What a subscribed device keeps about its own subscriptions, shared by the subscribe
 * page and the service worker: the id and secret (to read and delete it), and the
 * places, so the worker can tell whether a warning's area covers this phone's points
 * without asking the network (as Wireless Emergency Alerts do on the handset).
 */
import { contains, type Polys } from '$lib/geo';

export type DevicePlace =
	| { lat: number; lon: number; label: string | null }
	| { village: string; label: string | null }
	/** a visit: the scenic area and its township (the server stores both) */
	| { scenic: string; label: string | null };
/** `until`: when the subscription ends by itself (ISO time), for the pages that show it */
export type DeviceSubscription = { id: string; secret: string; channel: 'push' | 'sms'; places: DevicePlace[]; until?: string | null };

/** localStorage (the page) and the Cache API (the worker, which has no localStorage). */
export const STORAGE_KEY = 'subscriptions.device';
/** Where the list was kept before the rename of 2026-12-04: read once, moved, removed. */
export const OLD_STORAGE_KEY = 'alerts.subscriptions';

/** The stored list's JSON; a phone that kept it under the old key has it moved first, so nothing is lost. */
export function storedJson(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>): string | null {
	const old = storage.getItem(OLD_STORAGE_KEY);
	if (old !== null) {
		if (storage.getItem(STORAGE_KEY) === null) storage.setItem(STORAGE_KEY, old);
		storage.removeItem(OLD_STORAGE_KEY);
	}
	return storage.getItem(STORAGE_KEY);
}
export const DEVICE_CACHE = 'alerts';
export const DEVICE_URL = '/alerts/device.json';

/** About 100 m: what the server stores, so the device checks the same point it was matched on. */
export const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Show or skip a warning whose payload carries its (buffered) area. Shown whenever in
 * doubt: no area, no known places, a village or scenic place (no area on the device), or
 * any point inside. Skipped only when every place is a point and all lie outside.
 */
export function placeCheck(area: number[][][][] | null | undefined, places: DevicePlace[] | null | undefined): 'show' | 'skip' {
	if (!area || area.length === 0 || !places || places.length === 0) return 'show';
	for (const place of places) {
		if (!('lat' in place)) return 'show';
		// the payload's MultiPolygon coordinates: polygons → rings → [lon, lat]
		if (contains(area as Polys, place.lon, place.lat)) return 'show';
	}
	return 'skip';
}

/** Reports this phone follows: ticket → its tracking link (with the token the server never keeps). */
export const REPORTS_URL = '/alerts/reports.json';

export async function followedReports(): Promise<Record<string, string>> {
	try {
		const response = await (await caches.open(DEVICE_CACHE)).match(REPORTS_URL);
		return response ? ((await response.json()) as Record<string, string>) : {};
	} catch {
		return {};
	}
}

export async function rememberReport(ticket: string, trackingUrl: string): Promise<void> {
	const all = { ...(await followedReports()), [ticket]: trackingUrl };
	await (await caches.open(DEVICE_CACHE)).put(REPORTS_URL, new Response(JSON.stringify(all), { headers: { 'content-type': 'application/json' } }));
}
