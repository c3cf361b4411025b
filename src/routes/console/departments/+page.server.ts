import * as departments from '$lib/server/departments';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	departments: await locals.db((tx) => departments.list(tx)),
	ownCode: locals.identity.kind === 'staff' ? locals.identity.departmentCode : null,
	isAdmin: locals.identity.kind === 'staff' && locals.identity.role === 'admin'
});
