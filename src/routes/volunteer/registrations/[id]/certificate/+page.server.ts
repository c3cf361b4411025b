import { error } from '@sveltejs/kit';
import { one } from '$lib/server/volunteers/registrations';
import type { PageServerLoad } from './$types';

// RLS lets the volunteer and the event's organisers read the registration; others get 404.
export const load: PageServerLoad = async ({ locals, params }) => {
	const registration = await locals.db((tx) => one(tx, params.id));
	if (!registration || !registration.checked_out_at) error(404, 'not found');
	return { registration };
};
