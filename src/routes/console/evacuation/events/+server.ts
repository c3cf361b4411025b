import { evacuationStream } from '$lib/server/evacuation/live';
import { services } from '$lib/server/runtime';
import { staffOnly } from '$lib/server/auth/staff-only';
import type { RequestHandler } from './$types';

// Says "changed" (never what): the page reloads its data through RLS.
export const GET: RequestHandler = ({ locals, request }) => {
	staffOnly(locals);
	return evacuationStream(services().db, request.signal);
};
