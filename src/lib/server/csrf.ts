/**
 * Cross-site form posts, checked here instead of by SvelteKit (svelte.config.js trusts
 * every origin so that this hook decides). SvelteKit's check refuses a form post without
 * an Origin header, and server-side Open311 clients send none: under /open311/ a caller
 * is authorised by an API key in the request only — never by a cookie — so a forged
 * cross-site post gains nothing there. Everywhere else the rule is SvelteKit's own.
 */
import type { Handle } from '@sveltejs/kit';
import { mediaType } from './media-type';

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain', 'application/x-sveltekit-formdata'];
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** `routeId`: the route SvelteKit matched (an encoded path such as `/%6fpen311/` decodes to it). */
export function crossSiteForm(request: Request, url: URL, routeId: string | null): boolean {
	if (!WRITES.includes(request.method) || routeId?.startsWith('/open311/')) return false;
	const type = mediaType(request);
	return FORM_TYPES.includes(type) && request.headers.get('origin') !== url.origin;
}

export const csrf: Handle = async ({ event, resolve }) => {
	if (crossSiteForm(event.request, event.url, event.route.id)) {
		return new Response(`Cross-site ${event.request.method} form submissions are forbidden`, { status: 403 });
	}
	return resolve(event);
};
