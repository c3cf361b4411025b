/**
 * The shelter exclusion rule as the device applies it, and the words an answer owes.
 *
 * The rule's data lives in SQL (public.hazard_shelter_exclusion: which hazards' warnings
 * leave out the shelters inside their area, and why) and reaches the device in the offline
 * snapshot with the areas in force; public.nearest_shelters applies it on the server. A
 * test runs both on one fixture and compares (src/lib/server/shelters/exclusion.spec.ts).
 */
import { contains } from '../geo';
import { HAZARD_CODES, WARNING_LEVELS } from '../hazards';
import type { ExcludedShelter, ExclusionRule, NearestNotice, WarningArea } from './types';

/** "Near": about an hour's walk. Beyond it an answer says the nearest is far, and who to follow. */
export const NEAR_M = 5000;

type Places = { status: string; capacity: number; occupancy: number };

/** No free place, whatever the status says (as public.nearest_shelters decides). */
export function isFull(s: Places): boolean {
	return s.status === 'full' || s.occupancy >= s.capacity;
}

export function placesLeft(s: Places): number {
	return Math.max(0, s.capacity - s.occupancy);
}

/**
 * The warning whose area leaves the point's shelter out, or null: the highest level first,
 * then the hazard's order (the SQL function's order). Only hazards whose rule excludes.
 */
export function excludingWarning(lat: number, lon: number, areas: WarningArea[], rules: ExclusionRule[]): WarningArea | null {
	const excludes = new Set(rules.filter((r) => r.excludes).map((r) => r.hazard));
	let best: WarningArea | null = null;
	const rank = (a: WarningArea) => WARNING_LEVELS.indexOf(a.level) * 100 - HAZARD_CODES.indexOf(a.hazard);
	for (const a of areas) {
		if (!excludes.has(a.hazard) || !contains(a.area, lon, lat)) continue;
		if (!best || rank(a) > rank(best)) best = a;
	}
	return best;
}

/** What the list alone would leave unsaid: see NearestNotice. */
export function noticeFor(shelters: { distance_m: number }[], excluded: Pick<ExcludedShelter, 'reason' | 'distance_m'>[]): NearestNotice {
	const first = shelters[0];
	if (first && first.distance_m <= NEAR_M) return null;
	if (excluded.some((e) => e.reason === 'in_warning_area' && e.distance_m <= NEAR_M)) return 'all_near_excluded';
	return first ? 'none_near' : 'none_suitable';
}
