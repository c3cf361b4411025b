/// <reference lib="webworker" />
/**
 * Warnings pushed to the phone (Web Push): shown from the payload alone — no network
 * call before the notification, because the network may be what is failing. The tag
 * is the warning's id, so an Update replaces the notification and a Cancel turns it
 * into a quiet "lifted" note. When the payload carries the area and the device knows
 * its subscribed points, a warning none of them lies in is skipped. Receipts
 * (delivered, shown, skipped) go back for the console's counts; their failures do not
 * matter to the person holding the phone.
 */
import type { PushPayload, ReportPayload } from '$lib/subscriptions/payload';
import { isWarningLevel } from '$lib/hazards';
import { DEVICE_CACHE, DEVICE_URL, followedReports, placeCheck, type DeviceSubscription } from '$lib/subscriptions/device';
import { recordLifted } from '$lib/subscriptions/lifted';
import { isUrgent } from '$lib/subscriptions/urgency';
import { isEewWire } from '$lib/eew/message';
import { showEew } from './eew';

const RECEIPTS_URL = '/api/subscriptions/receipts';
// made by scripts/make-level-icons.ts; precached with the other static files
const icon = (level: string) => (isWarningLevel(level) ? `/icons/level-${level}.png` : '/icons/icon-192.png');
const BADGE = '/icons/badge.png';

function isReport(value: unknown): value is ReportPayload {
	const p = value as Partial<ReportPayload> | null;
	return !!p && typeof p === 'object' && p.type === 'report' && typeof p.ticket === 'string' && typeof p.title === 'string';
}

/** A followed report moved: one quiet notification per report, the latest step replacing the last. */
async function showReport(sw: ServiceWorkerGlobalScope, payload: ReportPayload): Promise<void> {
	await sw.registration.showNotification(payload.title, {
		body: payload.body,
		tag: payload.id,
		lang: payload.lang,
		icon: '/icons/icon-192.png',
		badge: BADGE,
		data: payload
	});
}

function isPayload(value: unknown): value is PushPayload {
	const p = value as Partial<PushPayload> | null;
	return !!p && typeof p === 'object' && typeof p.id === 'string' && typeof p.title === 'string' && typeof p.url === 'string';
}

async function devicePlaces(): Promise<DeviceSubscription['places'] | null> {
	try {
		const response = await (await caches.open(DEVICE_CACHE)).match(DEVICE_URL);
		const stored = response ? ((await response.json()) as DeviceSubscription[]) : [];
		const push = stored.find((s) => s.channel === 'push');
		return push ? push.places : null;
	} catch {
		return null;
	}
}

/**
 * The server counts a receipt only once it has recorded the message as sent, which can
 * be a moment after the push service accepted it: one retry covers that race.
 */
async function receipt(payload: PushPayload, event: 'delivered' | 'shown' | 'skipped'): Promise<void> {
	const body = JSON.stringify({ warning: payload.w, subscription: payload.s, event });
	for (const wait of [0, 3000]) {
		if (wait) await new Promise((r) => setTimeout(r, wait));
		try {
			const response = await fetch(RECEIPTS_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
			if (response.status !== 404) return;
		} catch {
			return;
		}
	}
}

/** The notification of a warning message; urgent by the same rule the server's Urgency header follows. */
export function warningNotification(payload: PushPayload, now = Date.now()): NotificationOptions {
	const lifted = payload.type === 'Cancel';
	return {
		body: payload.body,
		tag: payload.id,
		lang: payload.lang,
		icon: lifted ? '/icons/icon-192.png' : icon(payload.level),
		badge: BADGE,
		data: payload,
		requireInteraction: isUrgent({ level: payload.level, hazard: payload.hazard, msgType: payload.type }),
		silent: lifted,
		// an Update replaces the notification and alerts again; a lifted note does not
		renotify: !lifted,
		timestamp: now
	} as NotificationOptions;
}

export async function showWarning(sw: ServiceWorkerGlobalScope, payload: PushPayload): Promise<'shown' | 'skipped'> {
	// First, whatever the place check says: a warning page kept offline must not show a
	// lifted warning's instruction as current.
	if (payload.type === 'Cancel') await recordLifted(payload.id, new Date()).catch(() => undefined);
	if (placeCheck(payload.area, await devicePlaces()) === 'skip') {
		void receipt(payload, 'skipped');
		return 'skipped';
	}
	const delivered = receipt(payload, 'delivered');
	const lifted = payload.type === 'Cancel';
	if (lifted) for (const open of await sw.registration.getNotifications({ tag: payload.id })) open.close();
	await sw.registration.showNotification(payload.title, warningNotification(payload));
	await delivered;
	await receipt(payload, 'shown');
	return 'shown';
}

/**
 * A tab already on the warning's page is focused; else the app's own open tab (in an
 * installed app, its window) is taken to the warning; else a new one opens.
 */
async function openWarning(sw: ServiceWorkerGlobalScope, url: string): Promise<void> {
	const target = new URL(url, sw.location.origin);
	const tabs = await sw.clients.matchAll({ type: 'window' });
	const tab = tabs.find((c) => new URL(c.url).pathname === target.pathname) ?? (await tabs[0]?.navigate(target.href));
	if (tab) await tab.focus().catch(() => undefined);
	else await sw.clients.openWindow(target.href);
}

export function registerPush(sw: ServiceWorkerGlobalScope): void {
	sw.addEventListener('push', (event) => {
		let payload: unknown = null;
		try {
			payload = event.data?.json();
		} catch {
			payload = null;
		}
		if (isEewWire(payload)) event.waitUntil(showEew(sw, payload));
		else if (isReport(payload)) event.waitUntil(showReport(sw, payload));
		else if (isPayload(payload)) event.waitUntil(showWarning(sw, payload));
	});
	sw.addEventListener('notificationclick', (event) => {
		event.notification.close();
		const data = event.notification.data as Partial<PushPayload> | Partial<ReportPayload> | null;
		// started before waitUntil, which throws for an untrusted (synthetic) event
		const opening =
			data?.type === 'report' && typeof data.ticket === 'string'
				? // the tracking link with its token is on the phone; without it, the report form's lookup
					followedReports().then((links) => openWarning(sw, links[data.ticket!] ?? '/report'))
				: openWarning(sw, typeof data?.url === 'string' ? data.url : '/warnings');
		event.waitUntil(opening);
	});
}
