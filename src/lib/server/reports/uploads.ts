/**
 * Request bodies: adapter-node's BODY_SIZE_LIMIT is one number for every route, and
 * report photos need megabytes (see docs/decisions.md). So the global limit is raised
 * for them, and every other route keeps the small limit here: a large body is
 * refused with 413 before anything reads it.
 */
import type { Handle } from '@sveltejs/kit';
import { apiError } from '../http';

/** The limit for routes that take no photos (adapter-node's own default). */
export const SMALL_BODY_BYTES = 512 * 1024;

/** Routes that take photos: the report form, the assistant's report dialogue, the offline queue's API, a handler's reply. */
export function takesPhotos(pathname: string): boolean {
	return pathname === '/report' || pathname === '/assistant' || pathname === '/api/reports' || /^\/console\/reports\/\d+$/.test(pathname);
}

export const bodyLimit: Handle = async ({ event, resolve }) => {
	const length = Number(event.request.headers.get('content-length') ?? 0);
	if (length > SMALL_BODY_BYTES && !takesPhotos(event.url.pathname)) {
		return apiError(413, `the request body is larger than ${SMALL_BODY_BYTES} bytes, the limit for ${event.url.pathname}`);
	}
	return resolve(event);
};
