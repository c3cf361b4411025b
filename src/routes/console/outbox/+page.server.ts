import { latest } from '$lib/server/messaging/sms/texts';
import { services } from '$lib/server/runtime';
import type { PageServerLoad } from './$types';
import { MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';

/** The message catcher: what would have gone out by SMS. Admins only (RLS agrees). */
export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals, MAY.administer);
	return { messages: await locals.db((tx) => latest(tx, 200)), gateway: services().config.delivery.smsGateway !== null };
};
