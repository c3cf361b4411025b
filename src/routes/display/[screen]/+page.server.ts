import { error } from '@sveltejs/kit';
import { screenState } from '$lib/server/display';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const state = await locals.db((tx) => screenState(tx, params.screen));
	if (!state) error(404, 'reach.display_unknown');
	return { slug: params.screen, state };
};
