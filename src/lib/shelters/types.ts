/** The shelter data the browser receives: the offline snapshot and the nearest-shelter answer. */
import type { ShelterClass, ShelterStatus, Tables, WarningLevel } from '../db-types.gen';

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
};

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
	distance_m: number;
};

export type NearestAnswer = {
	shelters: NearestShelter[];
	excluded: ExcludedShelter[];
	hazard: string | null;
	walk_kmh: number;
	as_of: string;
};
