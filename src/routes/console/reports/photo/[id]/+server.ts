import { error } from '@sveltejs/kit';
import { staffPhoto } from '$lib/server/reports/queue';
import type { RequestHandler } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

/** A report photo for staff: RLS lets through only the desk and the report's handlers. */
export const GET: RequestHandler = async ({ locals, params }) => {
	staffOnly(locals);
	const id = Number(params.id);
	if (!Number.isSafeInteger(id)) error(404, 'not found');
	const found = await locals.db((tx) => staffPhoto(tx, id));
	if (!found) error(404, 'not found');
	return new Response(Buffer.from(found.bytes), {
		headers: { 'content-type': found.content_type, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' }
	});
};
