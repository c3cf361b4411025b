import { isHazardCode } from '$lib/hazards';
import { publicData } from '$lib/server/public/read-model';
import { services } from '$lib/server/runtime';
import * as shelters from '$lib/server/shelters';
import { nearDistrict } from '$lib/shelters/geo';
import type { PageServerLoad } from './$types';

/**
 * The list works without JavaScript: ?hazard= filters, ?town= (a township seat) or
 * ?lat=&lon= sets the place, and the server answers the nearest; a township with no
 * location yet lists every shelter with a note. The snapshot rides
 * along so the page, once kept on the device, can answer offline too.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const hazardRaw = url.searchParams.get('hazard');
	const hazard = isHazardCode(hazardRaw) ? hazardRaw : null;
	// The snapshot comes from the read model, and so does the answer for a chosen place.
	const snapshot = (await publicData(services().db).settled()).shelters;
	const picked = snapshot.towns.find((t) => t.code === url.searchParams.get('town')) ?? null;
	const town = picked?.lat != null ? picked : null;
	// A township with no location on file yet: the page lists every shelter, and says why.
	const unlocated = picked && !town ? picked.code : null;
	let place: { lat: number; lon: number; town: string | null } | null = town ? { lat: town.lat!, lon: town.lon!, town: town.code } : null;
	// A position given in the address that is no position, or one far from Miyun, is said
	// plainly; the page then lists every shelter as without one (never silently).
	let placeProblem: 'invalid' | 'outside' | null = null;
	if (!place && (url.searchParams.has('lat') || url.searchParams.has('lon'))) {
		const parsed = shelters.parseNearestQuery(new URLSearchParams({ lat: url.searchParams.get('lat') ?? '', lon: url.searchParams.get('lon') ?? '' }));
		if ('query' in parsed) place = { lat: parsed.query.lat, lon: parsed.query.lon, town: null };
		else {
			const lat = Number(url.searchParams.get('lat') || NaN);
			const lon = Number(url.searchParams.get('lon') || NaN);
			const degrees = Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
			placeProblem = degrees && !nearDistrict(lat, lon) ? 'outside' : 'invalid';
		}
	}
	const answer = place ? shelters.nearestFromModel(snapshot, { lat: place.lat, lon: place.lon, hazard, limit: 5 }) : null;
	return { snapshot, hazard, place, answer, unlocated, placeProblem };
};
