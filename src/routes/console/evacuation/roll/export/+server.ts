import * as roll from '$lib/server/evacuation/roll';
import { staffOnly } from '$lib/server/auth/staff-only';
import { csvAttachment } from '$lib/server/csv';
import type { RequestHandler } from './$types';

/** The roll in the import format, as the caller may read it (RLS: own township, or all for admins). */
export const GET: RequestHandler = async ({ locals }) => {
	staffOnly(locals);
	return csvAttachment(await locals.db(roll.exportCsv), 'evacuation-roll');
};
