import * as departments from '$lib/server/departments';
import type { PageServerLoad } from './$types';
import { can } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals }) => {
	const me = staffOnly(locals);
	return locals.db(async (tx) => ({ departments: await departments.list(tx), ownCode: me.departmentCode, isAdmin: await can(tx, 'administer') }));
};
