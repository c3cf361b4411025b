import * as evacuation from '$lib/server/evacuation/marks';
import { staffOnly } from '$lib/server/auth/staff-only';
import { csvAttachment } from '$lib/server/csv';
import type { RequestHandler } from './$types';

/** The picture for the daily report, as the caller may read it. */
export const GET: RequestHandler = async ({ locals }) => {
	staffOnly(locals);
	const body = await locals.db(async (tx) => evacuation.pictureCsv(evacuation.picture(await evacuation.toMove(tx))));
	return csvAttachment(body, 'evacuation');
};
