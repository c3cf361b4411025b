import { places } from '$lib/server/district';
import type { PageServerLoad } from './$types';

// Townships and their villages for the home-village picker (reference data).
export const load: PageServerLoad = async ({ locals }) => {
	const { towns, villages } = await locals.db((tx) => places(tx));
	return { towns, villages };
};
