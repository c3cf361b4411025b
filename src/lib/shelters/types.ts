/** The shelter data the browser receives: the offline snapshot and the nearest-shelter answer. */
import type { HazardCode, ShelterClass, ShelterStatus, Tables, WarningLevel } from '../db-types.gen';
import type { Polys } from '../geo';

/** A shelter row as the device keeps it: position as lat/lon, no registry-only fields. */
export type SnapshotShelter = Omit<Tables['shelters'], 'ref' | 'position' | 'contact' | 'retired_at' | 'updated_at'> & {
	lat: number;
	lon: number;
	updated_at: string;
};

export type SnapshotRoute = {
	id: string;
	shelter_id: string;
	origin_name_zh: string;
	origin_name_en: string;
	/** [lon, lat] pairs */
	path: [number, number][];
	walk_minutes: number;
	demo: boolean;
};

/** Everything the shelters page needs to work with no network, versioned and dated. */
export type ShelterSnapshot = {
	version: string;
	as_of: string;
	walk_kmh: number;
	shelters: SnapshotShelter[];
	routes: SnapshotRoute[];
	/** The district outline as rings of [lon, lat], simplified for drawing. */
	outline: [number, number][][];
	/** All township-level units; lat/lon is the seat where one is known. */
	towns: { code: string; name_zh: string; name_en: string; lat: number | null; lon: number | null }[];
	/** The rule, one row per hazard, as the database holds it (public.hazard_shelter_exclusion). */
	exclusion: ExclusionRule[];
	/** Areas of the warnings in force (as of `as_of`) whose hazard excludes shelters. */
	warning_areas: WarningArea[];
};

export type ExclusionRule = Tables['hazard_shelter_exclusion'];

/** An active warning's area that leaves shelters out: polygons → rings → [lon, lat]. */
export type WarningArea = { warning_id: string; hazard: HazardCode; level: WarningLevel; area: Polys };

export type NearestShelter = {
	id: string;
	name_zh: string;
	name_en: string;
	lat: number;
	lon: number;
	distance_m: number;
	walk_minutes: number;
	status: ShelterStatus;
	capacity: number;
	occupancy: number;
	class: ShelterClass;
	indoor: boolean;
	town_code: string | null;
	demo: boolean;
};

export type ExcludedShelter = {
	id: string;
	name_zh: string;
	name_en: string;
	reason: 'in_warning_area' | 'closed' | 'full';
	warning_id: string | null;
	warning_level: WarningLevel | null;
	warning_hazard: HazardCode | null;
	/** Why a warning's area leaves it out, from the exclusion table (null for closed or full). */
	reason_zh: string | null;
	reason_en: string | null;
	distance_m: number;
};

/**
 * What the answer must say besides the list: `all_near_excluded` — every suitable shelter
 * within NEAR_M is inside an excluding warning's area (the list, if any, is the nearest
 * outside); `none_near` — no open suitable shelter within NEAR_M; `none_suitable` — none at all.
 */
export type NearestNotice = 'all_near_excluded' | 'none_near' | 'none_suitable' | null;

export type NearestAnswer = {
	shelters: NearestShelter[];
	excluded: ExcludedShelter[];
	hazard: string | null;
	notice: NearestNotice;
	walk_kmh: number;
	as_of: string;
};
