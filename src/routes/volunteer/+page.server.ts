import * as events from '$lib/server/volunteers/events';
import { towns } from '$lib/server/district';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const filter = { town: url.searchParams.get('town'), kind: url.searchParams.get('kind') };
	return locals.db(async (tx) => ({
		filter,
		events: await events.upcoming(tx, filter),
		towns: await towns(tx),
		signedIn: locals.volunteer !== null
	}));
};
