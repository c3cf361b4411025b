/**
 * Request bodies: adapter-node's BODY_SIZE_LIMIT is one number for every route, and
 * report photos need megabytes (see docs/decisions.md). So the global limit is raised
 * for them, and every other route keeps the small limit here. The limit is counted on
 * the body itself, not only on Content-Length: a chunked body declares no length, so
 * it is read here up to the limit and refused with 413 past it — never handed on.
 */
import type { Handle } from '@sveltejs/kit';
import { apiError } from '../http';

/** The limit for routes that take no photos (adapter-node's own default). */
export const SMALL_BODY_BYTES = 512 * 1024;

/** Routes that take photos: the report form, the assistant's report dialogue, the offline queue's API, a handler's reply. */
const PHOTO_ROUTES = new Set(['/report', '/assistant', '/api/reports', '/console/reports/[id]']);

/** By the route SvelteKit matched (its id), so an encoded path cannot change the answer. */
export function takesPhotos(routeId: string | null): boolean {
	return routeId !== null && PHOTO_ROUTES.has(routeId);
}

/**
 * Reads what is left of a refused body and drops it, in the background. Cancelling the
 * body instead makes adapter-node destroy the request, and with it the socket: the 413
 * never reached the client, which saw a bare 400 or a reset (an outside tester's finding).
 * Read and dropped, the body costs no memory, and the answer goes out at once; the
 * global BODY_SIZE_LIMIT still ends a body past it.
 */
export function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): void {
	const next = (): Promise<void> => reader.read().then(({ done }) => (done ? undefined : next()));
	next().catch(() => undefined);
}

/** The whole body if it is at most `limit` bytes, else null (the rest is read and dropped, discardRest). */
export async function readAtMost(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
	const reader = body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			discardRest(reader);
			return null;
		}
		chunks.push(value);
	}
	const all = new Uint8Array(size);
	let at = 0;
	for (const chunk of chunks) {
		all.set(chunk, at);
		at += chunk.byteLength;
	}
	return all;
}

export const bodyLimit: Handle = async ({ event, resolve }) => {
	const request = event.request;
	if (!request.body || takesPhotos(event.route.id)) return resolve(event);
	const tooLarge = () =>
		apiError(413, `the request body is larger than ${SMALL_BODY_BYTES} bytes, the limit for ${event.url.pathname}`);
	if (Number(request.headers.get('content-length') ?? 0) > SMALL_BODY_BYTES) return tooLarge();
	const body = await readAtMost(request.body, SMALL_BODY_BYTES);
	if (!body) return tooLarge();
	// The same request, its body now in memory (at most the small limit).
	event.request = new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal });
	return resolve(event);
};
