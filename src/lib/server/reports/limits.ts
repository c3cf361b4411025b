/**
 * Anonymous reports are limited per client address and per device (a cookie), on
 * top of the general anonymous write limit: a flood from one place is stopped with
 * a clear "try again at" time, while one household's few reports always go through.
 */
import { beijingClock } from '$lib/time';
import type { RateLimiter } from '../rate-limit';

export const REPORTS_PER_ADDRESS = { limit: 20, windowMs: 60 * 60_000 };
export const REPORTS_PER_DEVICE = { limit: 5, windowMs: 10 * 60_000 };

/** Returns null when allowed, else when to try again. */
export function reportLimit(
	limits: { reportsPerAddress: RateLimiter; reportsPerDevice: RateLimiter },
	address: string,
	device: string | null,
	now = Date.now()
): Date | null {
	const wait = limits.reportsPerAddress.hit(address, now) || (device ? limits.reportsPerDevice.hit(device, now) : 0);
	return wait ? new Date(now + wait * 1000) : null;
}

/** "HH:MM" in Beijing time, for the message. */
export function clock(at: Date): string {
	return beijingClock(at, 'zh-CN');
}

/** Whole seconds until `at`, for a Retry-After header. */
export function retryAfter(at: Date, now = Date.now()): string {
	return String(Math.max(1, Math.ceil((at.getTime() - now) / 1000)));
}
