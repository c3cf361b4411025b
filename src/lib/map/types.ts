/**
 * The one map's layers as the browser receives them (client-safe types). Geometry is
 * GeoJSON text in WGS84 [lon, lat], simplified for drawing at district scale.
 */
import type { HazardCode, ScenicState, ShelterStatus, WarningLevel } from '../db-types.gen';

export const PUBLIC_LAYERS = ['warnings', 'shelters', 'routes', 'scenic', 'hazard_points', 'water', 'towns'] as const;
export const STAFF_LAYERS = ['reports', 'reach', 'evacuation'] as const;
export type LayerName = (typeof PUBLIC_LAYERS)[number] | (typeof STAFF_LAYERS)[number];

export type MapTown = { code: string; name_zh: string; name_en: string; area: string | null; approximate: boolean; lat: number | null; lon: number | null };
export type MapWarning = { threadId: string; level: WarningLevel; hazard: HazardCode; status: string; headline: string; area: string };
export type MapShelter = {
	id: string;
	name_zh: string;
	name_en: string;
	lat: number;
	lon: number;
	status: ShelterStatus;
	capacity: number;
	occupancy: number;
	suitable: boolean;
	demo: boolean;
};
export type MapRoute = { id: string; shelter_id: string; path: [number, number][]; demo: boolean };
export type MapScenic = { id: string; name_zh: string; name_en: string; lat: number; lon: number; state: ScenicState };
/** Public shape of a hazard point: no monitor, no contact. */
export type MapHazardPoint = { id: string; ref: string; kind: string; lat: number; lon: number; people: number; demo: boolean };
export type MapWater = { id: string; kind: 'water_body' | 'river'; name_zh: string; name_en: string; geometry: string };

export type PublicMap = {
	outline: string | null;
	towns: MapTown[];
	warnings: MapWarning[];
	shelters: MapShelter[];
	routes: MapRoute[];
	scenic: MapScenic[];
	hazardPoints: MapHazardPoint[];
	water: MapWater[];
	hazard: HazardCode | null;
	asOf: string;
};

export type MapReport = { id: string; ticket: string; status: string; lat: number; lon: number; overdue: boolean };
export type VillageReach = { code: string; name_zh: string; name_en: string; lat: number; lon: number; subscriptions: number };
export type StaffMap = PublicMap & { reports: MapReport[]; reach: VillageReach[] | null };
/** A village on the evacuation list now: its counts (marks.ts picture) at its place. */
export type EvacVillage = {
	code: string;
	name_zh: string;
	name_en: string;
	lat: number;
	lon: number;
	/** placed by its township's area (its own place is not imported) */
	approximate: boolean;
	households: number;
	settled: number;
	to_notify: number;
	unreachable: number;
	people_moved: number;
	lagging: boolean;
};

export const HAZARD_POINT_KINDS = ['collapse', 'landslide', 'debris_flow', 'ground_collapse', 'ground_fissure', 'ground_subsidence', 'unstable_slope'] as const;
export type HazardPointKind = (typeof HAZARD_POINT_KINDS)[number];

/** A hazard point as staff see it; the monitor is null unless RLS lets the caller read it (the township's staff, admins). */
export type StaffHazardPoint = {
	id: string;
	ref: string;
	kind: HazardPointKind;
	town_code: string;
	village_code: string | null;
	village_zh: string | null;
	village_en: string | null;
	lat: number;
	lon: number;
	households: number;
	people: number;
	refuge: string | null;
	route: string | null;
	demo: boolean;
	monitor_name: string | null;
	monitor_phone: string | null;
};

export type InArea = { points: StaffHazardPoint[]; households: number; people: number };

/** The report form's pin map: township areas to say where a tap is, village places (as points) to name the nearest. */
export type PinPlaces = {
	outline: string | null;
	towns: MapTown[];
	villages: { code: string; town_code: string; lat: number; lon: number }[];
};

/** A PublicMap with only the outline and townships: the base for maps that add their own marks. */
export function baseMap(places: Pick<PinPlaces, 'outline' | 'towns'>): PublicMap {
	return { outline: places.outline, towns: places.towns, warnings: [], shelters: [], routes: [], scenic: [], hazardPoints: [], water: [], hazard: null, asOf: new Date(0).toISOString() };
}
