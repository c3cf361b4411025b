import { districtWideTowns } from '$lib/server/geography/district-wide';
import { places } from '$lib/server/district';
import type { PageServerLoad } from './$types';

// Townships and their villages for the home-village picker, and the townships with no
// area yet, whose villages get every warning for the district: all from the district
// module's copy (read at most once a minute), no query per page load.
export const load: PageServerLoad = async ({ locals }) => {
	const { towns, villages, districtWide } = await locals.db(async (tx) => ({ ...(await places(tx)), districtWide: await districtWideTowns(tx) }));
	return { towns, villages, districtWide };
};
