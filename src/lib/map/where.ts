/**
 * Which township and village a point on the map is in, worked out on the device (a
 * tapped pin never needs a round trip): the township whose area contains it, and the
 * nearest village place of that township within VILLAGE_RADIUS_M.
 */
import { contains, polygonsOf } from '../geo';
import { haversineM } from '../shelters/geo';
import type { PinPlaces } from './types';

/** Beyond this, a pin is not "at" a village: the nearest village committee is too far to name. */
export const VILLAGE_RADIUS_M = 3000;

export function placeOf(places: PinPlaces, lat: number, lon: number): { town: string | null; village: string | null } {
	const town = places.towns.find((t) => t.area && contains(polygonsOf(t.area), lon, lat))?.code ?? null;
	let village: string | null = null;
	let best = VILLAGE_RADIUS_M;
	for (const v of places.villages) {
		if (town && v.town_code !== town) continue;
		const d = haversineM(lat, lon, v.lat, v.lon);
		if (d <= best) [best, village] = [d, v.code];
	}
	return { town, village };
}
