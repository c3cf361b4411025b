/**
 * The nearest-shelter answer computed on the device from the kept snapshot, when the
 * network is gone: the same shape and the same rules as public.nearest_shelters (suitable
 * for the hazard; open with free places; not inside an active warning area that excludes
 * shelters, as of the snapshot). A test compares the two on one fixture.
 */
import type { HazardCode } from '../hazards';
import { excludingWarning, isFull, noticeFor } from './exclusion';
import { haversineM, walkMinutes } from './geo';
import type { ExcludedShelter, NearestAnswer, NearestShelter, ShelterSnapshot } from './types';

export function nearestOnDevice(snapshot: ShelterSnapshot, lat: number, lon: number, hazard: HazardCode | null, limit: number): NearestAnswer {
	// A snapshot kept from before warning areas were carried has none: treated as no warnings.
	const areas = snapshot.warning_areas ?? [];
	const rules = snapshot.exclusion ?? [];
	const ranked = snapshot.shelters
		.filter((s) => !hazard || s.hazards.includes(hazard))
		.map((s) => ({ s, distance_m: Math.round(haversineM(lat, lon, s.lat, s.lon)), warning: excludingWarning(s.lat, s.lon, areas, rules) }))
		.sort((a, b) => a.distance_m - b.distance_m);
	const chosen = ranked.filter((r) => r.s.status === 'open' && !isFull(r.s) && !r.warning).slice(0, limit);
	const candidates = ranked.slice(0, limit);
	const shelters: NearestShelter[] = chosen.map(({ s, distance_m }) => ({
		id: s.id, name_zh: s.name_zh, name_en: s.name_en, lat: s.lat, lon: s.lon, distance_m, walk_minutes: walkMinutes(distance_m),
		status: s.status, capacity: s.capacity, occupancy: s.occupancy, class: s.class, indoor: s.indoor, town_code: s.town_code, demo: s.demo
	}));
	const excluded: ExcludedShelter[] = candidates
		.filter((r) => !chosen.includes(r) && (r.warning || r.s.status !== 'open' || isFull(r.s)))
		.map(({ s, distance_m, warning }) => {
			const rule = warning && rules.find((x) => x.hazard === warning.hazard);
			const reason: ExcludedShelter['reason'] = warning ? 'in_warning_area' : s.status === 'closed' ? 'closed' : 'full';
			return {
				id: s.id, name_zh: s.name_zh, name_en: s.name_en, reason, distance_m,
				warning_id: warning?.warning_id ?? null, warning_level: warning?.level ?? null, warning_hazard: warning?.hazard ?? null,
				reason_zh: rule?.reason_zh ?? null, reason_en: rule?.reason_en ?? null
			};
		})
		// As the SQL orders them: by reason, then distance.
		.sort((a, b) => (a.reason === b.reason ? a.distance_m - b.distance_m : a.reason < b.reason ? -1 : 1));
	return { shelters, excluded, hazard, notice: noticeFor(shelters, excluded), walk_kmh: snapshot.walk_kmh, as_of: snapshot.as_of };
}
