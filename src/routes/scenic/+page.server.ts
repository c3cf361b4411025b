import * as scenic from '$lib/server/scenic';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	areas: await locals.db((tx) => scenic.list(tx)),
	asOf: new Date()
});
