import { error } from '@sveltejs/kit';
import * as shelters from '$lib/server/shelters';
import { towns } from '$lib/server/district';
import { navigateLinks } from '$lib/shelters/geo';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const shelter = await locals.db((tx) => shelters.get(tx, params.id));
	if (!shelter || shelter.retired_at) error(404, 'not found');
	const town = (await locals.db(towns)).find((t) => t.code === shelter.town_code);
	return { shelter, town: town ? { name_zh: town.name_zh, name_en: town.name_en } : null, asOf: new Date().toISOString(), navigate: navigateLinks(shelter.lat, shelter.lon, locals.lang === 'en' ? shelter.name_en : shelter.name_zh) };
};
