import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Who the server takes the caller to be. */
export const GET: RequestHandler = ({ locals }) => {
	const who = locals.identity;
	const body =
		who.kind === 'anon'
			? { kind: 'anon', role: null }
			: who.kind === 'staff'
				? { kind: 'staff', role: who.role, email: who.email, department: who.departmentCode, town: who.townCode }
				: { kind: 'apikey', role: who.role, name: who.name };
	return json(body, { headers: { 'cache-control': 'no-store', vary: 'authorization, cookie' } });
};
