/** A per-device id in a cookie, only to count reports per device (not tracking: nothing else reads it). */
import type { Cookies } from '@sveltejs/kit';

export const DEVICE_COOKIE = 'sm_device';

export function deviceId(cookies: Cookies): string | null {
	const id = cookies.get(DEVICE_COOKIE);
	return id && /^[A-Za-z0-9-]{20,64}$/.test(id) ? id : null;
}

export function ensureDeviceId(cookies: Cookies): void {
	if (deviceId(cookies)) return;
	cookies.set(DEVICE_COOKIE, crypto.randomUUID(), { path: '/', maxAge: 365 * 24 * 3600, httpOnly: true, sameSite: 'lax' });
}
