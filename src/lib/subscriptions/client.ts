/**
 * The subscribe page's side of /api/subscriptions, in the browser: Web Push through
 * the service worker's pushManager, the SMS code, and the device's own record of what
 * it subscribed (localStorage for the page, the Cache API for the service worker).
 */
import { DEVICE_CACHE, DEVICE_URL, STORAGE_KEY, storedJson, type DevicePlace, type DeviceSubscription } from './device';
import { problemCode, type FieldProblem } from './errors';

export type Preferences = {
	places: DevicePlace[];
	lang: 'zh-CN' | 'en';
	hazards: string[];
	minLevel: string;
	until: string | null;
	exercises: boolean;
};

/** A refusal from the API: `fields` names what is wrong (e.g. `phone`, `places[0]`). */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly fields: Record<string, FieldProblem | string> = {},
		/** From a 429: how long the server asks to wait. */
		readonly retryAfterSeconds: number | null = null
	) {
		super(message);
	}
}

/** Where the browser cannot do something: an i18n key under `subscriptions.`. */
export class DeviceError extends Error {}

async function call<T>(url: string, init: RequestInit): Promise<T> {
	const response = await fetch(url, init);
	if (response.status === 204) return undefined as T;
	const body = (await response.json().catch(() => ({}))) as T & { error?: string; fields?: Record<string, FieldProblem | string>; retryAfterSeconds?: unknown };
	const wait = typeof body.retryAfterSeconds === 'number' && body.retryAfterSeconds > 0 ? body.retryAfterSeconds : null;
	if (!response.ok) throw new ApiError(response.status, body.error ?? String(response.status), body.fields ?? {}, wait);
	return body;
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const withSecret = (secret: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers ?? {}), 'x-subscription-secret': secret } });

export function stored(): DeviceSubscription[] {
	try {
		const list = JSON.parse(storedJson(localStorage) ?? '[]') as DeviceSubscription[];
		return Array.isArray(list) ? list : [];
	} catch {
		return [];
	}
}

async function store(list: DeviceSubscription[]): Promise<void> {
	localStorage.setItem(STORAGE_KEY, JSON.stringify(list));
	// The service worker's copy, for its place check; best effort (private windows may refuse).
	try {
		const cache = await caches.open(DEVICE_CACHE);
		await cache.put(DEVICE_URL, new Response(JSON.stringify(list), { headers: { 'content-type': 'application/json' } }));
	} catch {
		/* the worker then shows every warning it gets: the safe side */
	}
}

async function remember(sub: DeviceSubscription): Promise<void> {
	// A browser has one push subscription and a number one SMS subscription: a new one replaces the old.
	await store([...stored().filter((s) => s.channel !== sub.channel), sub]);
}

export function pushSupported(): boolean {
	return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** iOS delivers Web Push only to an app added to the home screen. */
export function iosOutsideHomeScreen(): boolean {
	const ios = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
	return ios && !window.matchMedia('(display-mode: standalone)').matches;
}

// A first visit on a cheap phone with a weak signal can take well over 10 s to install the
// service worker (it keeps the app's pages for offline use); give up only after a minute.
const WORKER_WAIT_MS = 60_000;

function registration(): Promise<ServiceWorkerRegistration> {
	return Promise.race([
		navigator.serviceWorker.ready,
		new Promise<never>((_, reject) => setTimeout(() => reject(new DeviceError('err_no_worker')), WORKER_WAIT_MS))
	]);
}

export async function subscribePush(prefs: Preferences): Promise<DeviceSubscription> {
	if (!pushSupported()) throw new DeviceError('err_no_push');
	const permission = await Notification.requestPermission();
	if (permission !== 'granted') throw new DeviceError('err_notifications_denied');
	const reg = await registration();
	const { publicKey } = await call<{ publicKey: string }>('/api/push/public-key', {});
	const fresh = () => reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey });
	const push = (await reg.pushManager.getSubscription()) ?? (await fresh());
	// Replacing this browser's subscription takes its secret, kept on the device.
	const old = stored().find((s) => s.channel === 'push');
	const send = (p: PushSubscription) => call<{ id: string; secret: string }>('/api/subscriptions', withSecret(old?.secret ?? '', json({ push: p.toJSON(), ...prefs })));
	let made: { id: string; secret: string };
	try {
		made = await send(push);
	} catch (error) {
		if (!(error instanceof ApiError && error.status === 409)) throw error;
		// The secret is lost (site data cleared): end the browser's push subscription and
		// start a new one, with a new endpoint; the old one then expires at the push service.
		await push.unsubscribe();
		made = await send(await fresh());
	}
	const sub: DeviceSubscription = { id: made.id, secret: made.secret, channel: 'push', places: prefs.places, until: prefs.until };
	await remember(sub);
	return sub;
}

/** Sends the code; the subscription is kept on the device once confirmed. */
export async function subscribeSms(phone: string, prefs: Preferences): Promise<DeviceSubscription> {
	const made = await call<{ id: string; secret: string }>('/api/subscriptions', json({ phone, ...prefs }));
	return { id: made.id, secret: made.secret, channel: 'sms', places: prefs.places, until: prefs.until };
}

export async function confirmSms(sub: DeviceSubscription, code: string): Promise<void> {
	await call(`/api/subscriptions/${sub.id}/confirm`, withSecret(sub.secret, json({ code })));
	await remember(sub);
}

export type StoredAbout = {
	id: string;
	channel: 'push' | 'sms';
	endpoint: string | null;
	phone: string | null;
	confirmed: boolean;
	lang: string;
	hazards: string[];
	minLevel: string;
	exercises: boolean;
	until: string | null;
	createdAt: string;
	places: { label: string | null; village: string | null; town: string | null; lat: number | null; lon: number | null }[];
	received: number;
};

/** Everything the server holds about it; null when the server no longer has it. */
export async function readStored(sub: DeviceSubscription): Promise<StoredAbout | null> {
	try {
		return await call<StoredAbout>(`/api/subscriptions/${sub.id}`, withSecret(sub.secret));
	} catch (error) {
		if (error instanceof ApiError && error.status === 404) return null;
		throw error;
	}
}

/** Deletes it on the server, then forgets it here (and ends the browser's push subscription). */
export async function deleteEverything(sub: DeviceSubscription): Promise<void> {
	try {
		await call(`/api/subscriptions/${sub.id}`, withSecret(sub.secret, { method: 'DELETE' }));
	} catch (error) {
		if (!(error instanceof ApiError && error.status === 404)) throw error;
	}
	if (sub.channel === 'push' && pushSupported()) {
		const push = await (await registration()).pushManager.getSubscription();
		await push?.unsubscribe();
	}
	await store(stored().filter((s) => s.id !== sub.id));
}

export type Problem = { key: string; values?: Record<string, string> };

/** What went wrong, as `subscriptions.*` message keys: one per field the API named. */
export function problems(error: unknown): Problem[] {
	if (error instanceof DeviceError) return [{ key: error.message }];
	if (error instanceof ApiError) {
		// The real wait, in whole minutes (a tester was told "a few minutes" and it was 53).
		if (error.status === 429) return [error.retryAfterSeconds ? { key: 'err_rate_wait', values: { minutes: String(Math.ceil(error.retryAfterSeconds / 60)) } } : { key: 'err_rate' }];
		if (error.status === 410) return [{ key: 'err_code_expired' }];
		const fields = Object.entries(error.fields);
		if (!fields.length) return [{ key: 'err_generic', values: { message: error.message } }];
		return fields.map(([field, problem]): Problem => {
			const detail = typeof problem === 'string' ? problem : problem.detail;
			const code = typeof problem === 'string' ? problemCode(field, detail) : problem.code;
			return { key: `err_${code}`, values: { message: detail, field } };
		});
	}
	// fetch() rejects with a TypeError when there is no network
	if (error instanceof TypeError) return [{ key: 'err_network' }];
	return [{ key: 'err_generic', values: { message: error instanceof Error ? error.message : String(error) } }];
}
