import { redirect } from '@sveltejs/kit';
import { MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';
import type { PageServerLoad } from './$types';

/** The SMS texts viewer moved to /console/outbox (it serves warnings and subscriptions too); old links and bookmarks follow. */
export const load: PageServerLoad = async ({ locals }) => {
	staffOnly(locals, MAY.administer);
	redirect(308, '/console/outbox');
};
