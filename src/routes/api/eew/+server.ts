import { apiError } from '$lib/server/http';
import { EewInputError, parseEewJson } from '$lib/server/eew/validate';
import type { RequestHandler } from './$types';
import { respondEew } from '$lib/server/eew/respond';
import { mediaType } from '$lib/server/media-type';

const MAX_BYTES = 2048;

/**
 * An earthquake early warning from the network's feed adapter (API key with role
 * eew_network), as compact JSON: {eventId, sequence, msgType?, status?, originTime,
 * latitude, longitude, depthKm, magnitude}. The same checks as the CAP import.
 */
export const POST: RequestHandler = async ({ locals, request }) => {
	if (locals.identity.kind === 'anon') return apiError(401, 'send an API key: Authorization: Bearer <key>', undefined, { 'www-authenticate': 'Bearer' });
	const type = mediaType(request);
	if (type !== 'application/json') return apiError(415, `send the message as application/json, not "${type || 'nothing'}"`);
	const text = await request.text();
	if (Buffer.byteLength(text) > MAX_BYTES) return apiError(413, `an EEW message is at most ${MAX_BYTES} bytes`);
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return apiError(400, 'the body is not valid JSON', { field: 'body' });
	}
	try {
		return await respondEew(locals, parseEewJson(body), 'api');
	} catch (error) {
		if (error instanceof EewInputError) return apiError(400, error.message, { field: error.field, problem: error.problem });
		throw error;
	}
};
