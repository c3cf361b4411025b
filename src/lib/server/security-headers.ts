/**
 * Baseline protections on every response SvelteKit renders (the Content-Security-Policy
 * itself comes from svelte.config.js, `kit.csp`):
 * - HSTS when the site is served over https (the origin says so), so a phone that
 *   once reached it never falls back to plain http on a hostile network;
 * - no MIME sniffing, a referrer that leaves no path or query on other sites (tracking
 *   links carry tokens), no framing of any page (clickjacking), and only the device
 *   features the app uses.
 */
import type { Handle } from '@sveltejs/kit';

export const HSTS = 'max-age=31536000; includeSubDomains';

export function setSecurityHeaders(headers: Headers, url: URL): void {
	headers.set('x-content-type-options', 'nosniff');
	headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	headers.set('x-frame-options', 'DENY');
	headers.set('permissions-policy', 'geolocation=(self), camera=(self), microphone=()');
	if (url.protocol === 'https:') headers.set('strict-transport-security', HSTS);
}

export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	try {
		setSecurityHeaders(response.headers, event.url);
	} catch {
		// A response with immutable headers (fetched and passed through): leave it as it is.
	}
	return response;
};
