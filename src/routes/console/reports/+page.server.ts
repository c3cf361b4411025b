import { places, unitNames } from '$lib/server/district';
import { list, QUEUE_FILTERS, type QueueFilter } from '$lib/server/reports/queue';
import type { PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals, url }) => {
	staffOnly(locals);
	const asked = url.searchParams.get('f') ?? 'open';
	const filter: QueueFilter = (QUEUE_FILTERS as readonly string[]).includes(asked) ? (asked as QueueFilter) : 'open';
	return locals.db(async (tx) => ({
		filter,
		filters: QUEUE_FILTERS,
		items: await list(tx, filter),
		units: unitNames(await places(tx), locals.lang)
	}));
};
