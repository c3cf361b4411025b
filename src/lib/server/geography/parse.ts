/**
 * Reading a geography file (GeoJSON FeatureCollection) for one layer: every feature is
 * checked and each error names its feature (1-based, as a GIS shows them) and field,
 * as the shelter import does. Coordinates may be WGS84, GCJ-02 or BD-09 (a file-level
 * `crs` member, a feature's `crs` property, or the caller's default) and come out as
 * WGS84. What needs PostGIS (validity, lying in the district) is checked in check.ts.
 */
import gcoord from 'gcoord';
import type { Crs, ImportError } from '../shelters/import';

export type GeoLayer = 'towns' | 'villages' | 'water' | 'hazard_points';
export const GEO_LAYERS: readonly GeoLayer[] = ['towns', 'villages', 'water', 'hazard_points'];

export type Geometry = { type: string; coordinates: unknown };
/** One checked feature: its number in the file, its key, its WGS84 geometry and properties. */
export type Feature = { row: number; key: string; geometry: Geometry; props: Record<string, string> };

export const MAX_FEATURES = 5000;
export const MAX_BYTES = 30 * 1024 * 1024;

const CRS_NAMES: Record<string, Crs> = {
	wgs84: 'wgs84', 'epsg:4326': 'wgs84', 'urn:ogc:def:crs:epsg::4326': 'wgs84', 'urn:ogc:def:crs:ogc:1.3:crs84': 'wgs84', crs84: 'wgs84',
	gcj02: 'gcj02', 'gcj-02': 'gcj02', bd09: 'bd09', 'bd-09': 'bd09'
};

/** The CRS a name stands for, or undefined when it is not one we can convert (e.g. a projected one). */
export function crsOf(name: string): Crs | undefined {
	const key = name.trim().toLowerCase();
	return Object.hasOwn(CRS_NAMES, key) ? CRS_NAMES[key] : undefined;
}

const GEOMETRY_TYPES: Record<GeoLayer, string[]> = {
	towns: ['Polygon', 'MultiPolygon'],
	villages: ['Point', 'Polygon', 'MultiPolygon'],
	water: ['Polygon', 'MultiPolygon', 'LineString', 'MultiLineString'],
	hazard_points: ['Point']
};

const DEPTH: Record<string, number> = { Point: 0, LineString: 1, Polygon: 2, MultiLineString: 2, MultiPolygon: 3 };

/** Converts every position of the geometry; false when one is not a [lon, lat] in degrees near China. */
function convert(coords: unknown, depth: number, crs: Crs): unknown | null {
	if (!Array.isArray(coords)) return null;
	if (depth === 0) {
		const [lon, lat] = coords;
		if (typeof lon !== 'number' || typeof lat !== 'number' || !(lon > 70 && lon < 140 && lat > 0 && lat < 60)) return null;
		if (crs === 'wgs84') return [lon, lat];
		return gcoord.transform([lon, lat], crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09, gcoord.WGS84) as [number, number];
	}
	if (coords.length === 0) return null;
	const out: unknown[] = [];
	for (const c of coords) {
		const converted = convert(c, depth - 1, crs);
		if (converted === null) return null;
		out.push(converted);
	}
	return out;
}

type Pos = [number, number];
const closedRing = (r: Pos[]) => r.length >= 4 && r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1];

/** Rings closed with at least four positions, lines with at least two: what PostGIS will build. */
function wellFormed(type: string, c: unknown): boolean {
	if (type === 'Point') return true;
	if (type === 'LineString') return (c as Pos[]).length >= 2;
	if (type === 'MultiLineString') return (c as Pos[][]).every((l) => l.length >= 2);
	if (type === 'Polygon') return (c as Pos[][]).every(closedRing);
	return (c as Pos[][][]).every((p) => p.every(closedRing));
}

export type ParsedFile = { features: Feature[]; errors: ImportError[] };

/**
 * The features of `content` for `layer`. `keyOf` checks a feature's properties and
 * returns its key (code or ref), pushing errors for bad fields.
 */
export function parseGeoJson(
	content: string,
	layer: GeoLayer,
	defaultCrs: Crs,
	keyOf: (props: Record<string, string>, err: (field: string, message: string) => void) => string | null
): ParsedFile {
	const errors: ImportError[] = [];
	const fail = (row: number, column: string, message: string): ParsedFile => ({ features: [], errors: [{ row, column, message }] });
	if (content.length > MAX_BYTES) return fail(0, 'file', 'map.import.too_big');
	let doc: { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } };
	try {
		doc = JSON.parse(content);
	} catch {
		return fail(0, 'file', 'map.import.bad_json');
	}
	if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) return fail(0, 'type', 'map.import.not_feature_collection');
	let fileCrs = defaultCrs;
	if (doc.crs !== undefined) {
		const named = typeof doc.crs?.properties?.name === 'string' ? crsOf(doc.crs.properties.name) : undefined;
		if (!named) return fail(0, 'crs', 'map.import.unknown_crs');
		fileCrs = named;
	}
	if (doc.features.length === 0) return fail(1, '', 'map.import.empty');
	if (doc.features.length > MAX_FEATURES) return fail(MAX_FEATURES + 1, '', 'map.import.too_many');
	const features: Feature[] = [];
	const seen = new Set<string>();
	doc.features.forEach((f, index) => {
		const row = index + 1;
		const before = errors.length;
		const err = (column: string, message: string) => errors.push({ row, column, message });
		const feature = f as { geometry?: { type?: unknown; coordinates?: unknown }; properties?: Record<string, unknown> | null };
		const props: Record<string, string> = {};
		for (const [k, v] of Object.entries(feature?.properties ?? {})) {
			if (v !== null && v !== undefined) props[k] = (typeof v === 'object' ? JSON.stringify(v) : String(v)).trim();
		}
		let crs = fileCrs;
		if (props.crs) {
			const named = crsOf(props.crs);
			if (!named) err('properties.crs', 'map.import.unknown_crs');
			else crs = named;
		}
		const key = keyOf(props, (field, message) => err(`properties.${field}`, message));
		if (key !== null && seen.has(key)) err('properties', 'map.import.duplicate_key');
		if (key !== null) seen.add(key);
		const type = typeof feature?.geometry?.type === 'string' ? feature.geometry.type : '';
		let geometry: Geometry | null = null;
		if (!GEOMETRY_TYPES[layer].includes(type)) err('geometry.type', 'map.import.wrong_geometry');
		else {
			const coordinates = convert(feature.geometry!.coordinates, DEPTH[type]!, crs);
			if (coordinates === null) err('geometry.coordinates', 'map.import.not_degrees');
			else if (!wellFormed(type, coordinates)) err('geometry.coordinates', 'map.import.invalid_geometry');
			else geometry = { type, coordinates };
		}
		if (errors.length === before && key !== null && geometry) features.push({ row, key, geometry, props });
	});
	return errors.length ? { features: [], errors } : { features, errors };
}
