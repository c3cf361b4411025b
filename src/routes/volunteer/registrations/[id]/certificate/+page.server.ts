import { error, redirect } from '@sveltejs/kit';
import { one } from '$lib/server/volunteers/registrations';
import type { PageServerLoad } from './$types';

// RLS lets the volunteer and the event's organisers read the registration; others get 404.
export const load: PageServerLoad = async ({ locals, params }) => {
	// Neither a volunteer nor staff: sign in first, as /volunteer/me says (anon may not read registrations at all: it was a 500).
	if (!locals.volunteer && locals.identity.kind === 'anon') redirect(303, '/volunteer/sign-in');
	const registration = await locals.db((tx) => one(tx, params.id));
	if (!registration || !registration.checked_out_at) error(404, 'not found');
	return { registration };
};
