/**
 * The hazard catalogue shared by warnings, shelters and guides. The codes and levels
 * come from the database enums (one source); this adds what the UI and CAP need.
 * Names are i18n keys: `hazards.<code>` and `levels.<level>`.
 */
import { HazardCodeValues, WarningLevelValues, type HazardCode, type WarningLevel } from './db-types.gen';

export { HazardCodeValues as HAZARD_CODES, WarningLevelValues as WARNING_LEVELS };
export type { HazardCode, WarningLevel };

/** CAP 1.2 `category` values (OASIS CAP 1.2 §3.2.2). */
export type CapCategory = 'Geo' | 'Met' | 'Safety' | 'Security' | 'Rescue' | 'Fire' | 'Health' | 'Env' | 'Transport' | 'Infra' | 'CBRNE' | 'Other';

export type Hazard = {
	code: HazardCode;
	category: CapCategory;
	/** one of the 14 signals of China's meteorological warning system */
	meteorological: boolean;
};

const MET: HazardCode[] = ['rainstorm', 'blizzard', 'cold_wave', 'gale', 'sandstorm', 'heat', 'drought', 'lightning', 'hail', 'frost', 'fog', 'haze', 'road_icing', 'typhoon'];
const CATEGORY: Partial<Record<HazardCode, CapCategory>> = {
	flash_flood: 'Geo',
	landslide: 'Geo',
	earthquake: 'Geo',
	flood: 'Met',
	forest_fire: 'Fire',
	hazmat: 'CBRNE',
	public_emergency: 'Safety'
};

export const HAZARDS: readonly Hazard[] = HazardCodeValues.map((code) => ({
	code,
	category: CATEGORY[code] ?? 'Met',
	meteorological: MET.includes(code)
}));

export function isHazardCode(value: unknown): value is HazardCode {
	return typeof value === 'string' && (HazardCodeValues as readonly string[]).includes(value);
}

export function isWarningLevel(value: unknown): value is WarningLevel {
	return typeof value === 'string' && (WarningLevelValues as readonly string[]).includes(value);
}

/** CAP severity for each level (blue IV … red I). */
export const CAP_SEVERITY: Record<WarningLevel, 'Minor' | 'Moderate' | 'Severe' | 'Extreme'> = {
	blue: 'Minor',
	yellow: 'Moderate',
	orange: 'Severe',
	red: 'Extreme'
};

/**
 * Display colours of the levels, chosen for contrast with their text colour (WCAG AA)
 * while staying the colour residents know from the signals.
 */
export const LEVEL_COLOURS: Record<WarningLevel, { background: string; text: string }> = {
	blue: { background: '#1456b8', text: '#ffffff' },
	yellow: { background: '#f5c400', text: '#1a1a1a' },
	orange: { background: '#e8650a', text: '#1a1a1a' },
	red: { background: '#c4161c', text: '#ffffff' }
};

/** The guide for a hazard: content/<lang>/guides/<code>.md, at /guides/<code>. */
export function guidePath(code: HazardCode): string {
	return `/guides/${code}`;
}
