import { error } from '@sveltejs/kit';
import { latest } from '$lib/server/outbox';
import { services } from '$lib/server/runtime';
import type { PageServerLoad } from './$types';

/** The message catcher: what would have gone out by SMS. Admins only (RLS agrees). */
export const load: PageServerLoad = async ({ locals }) => {
	if (locals.identity.kind !== 'staff' || locals.identity.role !== 'admin') error(403, 'forbidden');
	return { messages: await locals.db((tx) => latest(tx, 200)), gateway: services().config.delivery.smsGateway !== null };
};
