import * as departments from '$lib/server/departments';
import type { PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals }) => {
	const me = staffOnly(locals);
	return { departments: await locals.db((tx) => departments.list(tx)), ownCode: me.departmentCode, isAdmin: me.role === 'admin' };
};
