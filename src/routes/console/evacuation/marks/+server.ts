import { json } from '@sveltejs/kit';
import * as evacuation from '$lib/server/evacuation/marks';
import { staffOnly } from '$lib/server/auth/staff-only';
import type { RequestHandler } from './$types';

/**
 * Marks sent by the device's queue (JSON). The idempotency key makes a repeated send
 * harmless: 200 `duplicate`, nothing written twice.
 */
export const POST: RequestHandler = async ({ locals, request }) => {
	staffOnly(locals);
	// The server's body limit bounds the read; a mark is a few hundred bytes.
	const text = await request.text();
	if (text.length > 4096) return json({ error: 'body: at most 4 KiB' }, { status: 413 });
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return json({ error: 'body: a JSON object' }, { status: 400 });
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) return json({ error: 'body: a JSON object' }, { status: 400 });
	const parsed = evacuation.parseMark(body as Record<string, unknown>);
	if ('error' in parsed) return json({ error: parsed.error }, { status: 400 });
	const result = await locals.db((tx) => evacuation.mark(tx, parsed.mark));
	if (result === 'forbidden') return json({ error: 'household: not on a roll you keep' }, { status: 403 });
	return json({ result });
};
