import { error } from '@sveltejs/kit';
import * as shelters from '$lib/server/shelters';
import { navigateLinks } from '$lib/shelters/geo';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const shelter = await locals.db((tx) => shelters.get(tx, params.id));
	if (!shelter || shelter.retired_at) error(404, 'not found');
	const town = await locals.db((tx) => tx.query<{ name_zh: string; name_en: string }>('select name_zh, name_en from public.towns where code = $1', [shelter.town_code]));
	return { shelter, town: town[0] ?? null, asOf: new Date().toISOString(), navigate: navigateLinks(shelter.lat, shelter.lon, locals.lang === 'en' ? shelter.name_en : shelter.name_zh) };
};
