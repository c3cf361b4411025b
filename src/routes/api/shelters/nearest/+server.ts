import { json } from '@sveltejs/kit';
import { apiError } from '$lib/server/http';
import { publicData } from '$lib/server/public/read-model';
import { services } from '$lib/server/runtime';
import * as shelters from '$lib/server/shelters';
import { placesLeft } from '$lib/shelters/exclusion';
import type { RequestHandler } from './$types';

/**
 * GET /api/shelters/nearest?lat=&lon=&hazard=&limit= — nearest open shelters suitable for the hazard.
 *
 * Answered from the process's read model (the shelter snapshot with the warning areas in
 * force, refreshed by NOTIFY): a township asking at once during a surge costs no database
 * round trip. The rule is the device's (one module, compared with public.nearest_shelters
 * in src/lib/server/shelters/exclusion.spec.ts).
 */
export const GET: RequestHandler = async ({ url, locals }) => {
	const parsed = shelters.parseNearestQuery(url.searchParams);
	if ('error' in parsed) return apiError(400, parsed.error, { parameter: parsed.parameter });
	const answer = shelters.nearestFromModel((await publicData(services().db).settled()).shelters, parsed.query);
	const name = (s: { name_zh: string; name_en: string }) => (locals.lang === 'en' ? s.name_en : s.name_zh);
	return json(
		{
			...answer,
			shelters: answer.shelters.map((s) => ({ ...s, name: name(s), places_left: placesLeft(s) })),
			excluded: answer.excluded.map((s) => ({ ...s, name: name(s), reason_text: locals.lang === 'en' ? s.reason_en : s.reason_zh }))
		},
		// Status and warnings change by the minute; the device keeps its own snapshot for offline use.
		{ headers: { 'cache-control': 'no-store', vary: 'accept-language, cookie' } }
	);
};
