/// <reference lib="webworker" />
/**
 * An earthquake early warning pushed to the phone: the worker computes what it means
 * here from the payload alone (no network call — seconds count and the network may be
 * failing): the worst of the subscribed places (central Miyun when it knows none), the
 * intensity, the seconds left. Loud: kept on screen, vibrating, renotified on every
 * revision (same tag). Quiet below IV (the server's rule too). Open pages are told at
 * once, so they go full screen even before the live channel's copy arrives.
 */
import type { EewWire } from '$lib/eew/message';
import { notificationText, viewOf } from '$lib/eew/view';
import zh from '$lib/i18n/locales/zh-CN/eew.json';
import en from '$lib/i18n/locales/en/eew.json';
import { DEVICE_CACHE, DEVICE_URL, type DeviceSubscription } from '$lib/subscriptions/device';

const WORDS = { 'zh-CN': zh.eew, en: en.eew } as Record<string, Record<string, string>>;

function translator(lang: string) {
	const words = WORDS[lang] ?? WORDS['zh-CN']!;
	return (key: string, vars: Record<string, unknown> = {}) =>
		(words[key.replace(/^eew\./, '')] ?? key).replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ''));
}

async function pointPlaces(): Promise<{ lat: number; lon: number }[]> {
	try {
		const response = await (await caches.open(DEVICE_CACHE)).match(DEVICE_URL);
		const stored = response ? ((await response.json()) as DeviceSubscription[]) : [];
		return stored.flatMap((s) => s.places).flatMap((p) => ('lat' in p ? [{ lat: p.lat, lon: p.lon }] : []));
	} catch {
		return [];
	}
}

/** Notification options of an EEW at `now` (exported for the test that holds it to the server's rule). */
export function eewNotification(w: EewWire, places: { lat: number; lon: number }[], now: number) {
	const view = viewOf(w, { here: null, places }, now, now);
	const { title, body } = notificationText(view, w, translator(w.l ?? 'zh-CN'));
	const loud = view.phase === 'countdown' || view.phase === 'late';
	return {
		view,
		title,
		options: {
			body,
			tag: `eew-${w.e}`,
			lang: w.l ?? 'zh-CN',
			icon: '/icons/level-red.png',
			badge: '/icons/badge.png',
			data: { ...w, url: '/' },
			requireInteraction: loud,
			silent: !loud,
			renotify: loud,
			vibrate: loud ? [600, 200, 600, 200, 600, 200, 600] : undefined,
			timestamp: now
		} as NotificationOptions
	};
}

export async function showEew(sw: ServiceWorkerGlobalScope, w: EewWire): Promise<void> {
	const now = Date.now();
	// Pages first: the full-screen alert with its countdown is the point.
	const tabs = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
	for (const tab of tabs) tab.postMessage({ type: 'eew', message: w, receivedAt: now });
	const { title, options } = eewNotification(w, await pointPlaces(), now);
	await sw.registration.showNotification(title, options);
}
