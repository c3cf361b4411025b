/**
 * What a warning message is, independent of where it came from (the console's form or
 * a CAP document): plain data, checked here before anything touches the database.
 * Messages in `errors` are i18n keys (the console shows them at the field); the CAP
 * importer turns them into English sentences that name the element.
 */
import type { CapMsgType, CapStatus, HazardCode, WarningLevel } from '../../db-types.gen';

/** [lat, lon] pairs, as CAP writes them. */
export type LatLon = [number, number];

export type AreaSpec =
	| { kind: 'geocode'; code: string }
	| { kind: 'circle'; centre: LatLon; radiusKm: number }
	| { kind: 'polygon'; points: LatLon[] };

export type Info = {
	lang: string;
	event: string;
	headline: string;
	description: string;
	instruction: string;
	senderName: string;
	areaDesc: string;
};

export type Parameter = { valueName: string; value: string };

export type WarningInput = {
	status: CapStatus;
	hazard: HazardCode;
	level: WarningLevel;
	urgency: Urgency;
	certainty: Certainty;
	responseType: ResponseType;
	effective: Date;
	onset: Date | null;
	expires: Date;
	web: string | null;
	contact: string | null;
	parameters: Parameter[];
	areas: AreaSpec[];
	infos: Info[];
};

/** A stored message: the input plus its CAP envelope and life-cycle state. */
export type WarningMessage = WarningInput & {
	id: string;
	threadId: string;
	identifier: string;
	sender: string;
	sent: Date | null;
	msgType: CapMsgType;
	referencesId: string | null;
	state: 'draft' | 'pending' | 'issued' | 'superseded' | 'cancelled';
	source: 'console' | 'cap';
};

export const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
export const RESPONSE_TYPES = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const;
export type Urgency = (typeof URGENCIES)[number];
export type Certainty = (typeof CERTAINTIES)[number];
export type ResponseType = (typeof RESPONSE_TYPES)[number];

export const TOWN_CODE = /^110118\d{3}$/;
export const VILLAGE_CODE = /^110118\d{6}$/;
const MAX_POINTS = 500;
/** The most areas (polygons, circles, codes) one message may have (the table's check). */
const MAX_AREAS = 50;

export type FieldErrors = Record<string, string>;

function inRange([lat, lon]: LatLon): boolean {
	return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

/** Problems of an area that need no database: closed rings, sane numbers, known code shapes. */
export function areaProblem(area: AreaSpec): string | null {
	switch (area.kind) {
		case 'geocode':
			return TOWN_CODE.test(area.code) || VILLAGE_CODE.test(area.code) ? null : 'warnings.err_geocode_format';
		case 'circle':
			if (!inRange(area.centre)) return 'warnings.err_coordinates';
			return Number.isFinite(area.radiusKm) && area.radiusKm > 0 && area.radiusKm <= 100 ? null : 'warnings.err_radius';
		case 'polygon': {
			const pts = area.points;
			if (pts.length < 4) return 'warnings.err_polygon_points';
			if (pts.length > MAX_POINTS) return 'warnings.err_polygon_points';
			if (!pts.every(inRange)) return 'warnings.err_coordinates';
			const [a, z] = [pts[0]!, pts[pts.length - 1]!];
			return a[0] === z[0] && a[1] === z[1] ? null : 'warnings.err_polygon_open';
		}
	}
}

/** "lat,lon lat,lon …" (CAP) — null when it is not that shape. */
export function parseCapPolygon(text: string): LatLon[] | null {
	const pairs = text.trim().split(/\s+/);
	const points: LatLon[] = [];
	for (const pair of pairs) {
		const m = pair.match(/^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/);
		if (!m) return null;
		points.push([Number(m[1]), Number(m[2])]);
	}
	return points;
}

/** "lat,lon radius" (CAP circle, radius in km). */
export function parseCapCircle(text: string): { centre: LatLon; radiusKm: number } | null {
	const m = text.trim().match(/^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)$/);
	return m ? { centre: [Number(m[1]), Number(m[2])], radiusKm: Number(m[3]) } : null;
}

export function formatPolygon(points: LatLon[]): string {
	return points.map(([lat, lon]) => `${lat},${lon}`).join(' ');
}

export function formatCircle(area: { centre: LatLon; radiusKm: number }): string {
	return `${area.centre[0]},${area.centre[1]} ${area.radiusKm}`;
}

/**
 * A polygon typed as CAP text or pasted as GeoJSON (Polygon, MultiPolygon, Feature,
 * FeatureCollection; [lon, lat] order). Holes are refused: CAP polygons have none.
 */
export function parsePolygonText(text: string): { polygons: LatLon[][] } | { error: string } {
	const trimmed = text.trim();
	if (!trimmed.startsWith('{')) {
		const rings = trimmed.split(/\n\s*\n|;/).map((r) => r.trim()).filter(Boolean);
		const polygons: LatLon[][] = [];
		for (const ring of rings) {
			const points = parseCapPolygon(ring);
			if (!points) return { error: 'warnings.err_polygon_format' };
			polygons.push(points);
		}
		return polygons.length ? { polygons } : { error: 'warnings.err_polygon_format' };
	}
	let json: unknown;
	try {
		json = JSON.parse(trimmed);
	} catch {
		return { error: 'warnings.err_geojson' };
	}
	const polygons: LatLon[][] = [];
	const visit = (g: unknown): string | null => {
		const o = g as { type?: string; coordinates?: unknown; geometry?: unknown; features?: unknown[] };
		if (o?.type === 'Feature') return visit(o.geometry);
		if (o?.type === 'FeatureCollection' && Array.isArray(o.features)) {
			for (const f of o.features) {
				const e = visit(f);
				if (e) return e;
			}
			return null;
		}
		const rings = o?.type === 'Polygon' ? [o.coordinates] : o?.type === 'MultiPolygon' ? (o.coordinates as unknown[]) : null;
		if (!Array.isArray(rings)) return 'warnings.err_geojson';
		for (const poly of rings) {
			if (!Array.isArray(poly) || poly.length !== 1) return 'warnings.err_polygon_holes';
			const ring = poly[0] as unknown[];
			if (!Array.isArray(ring) || !ring.every((p) => Array.isArray(p) && p.length >= 2)) return 'warnings.err_geojson';
			polygons.push((ring as number[][]).map((p) => [Number(p[1]), Number(p[0])] as LatLon));
		}
		return null;
	};
	const problem = visit(json);
	if (problem) return { error: problem };
	return polygons.length ? { polygons } : { error: 'warnings.err_geojson' };
}

/** Checks that need no database. Keys: field names of the console form. */
export function inputProblems(input: WarningInput, now = new Date()): FieldErrors {
	const errors: FieldErrors = {};
	if (!(input.expires instanceof Date) || Number.isNaN(input.expires.getTime())) errors.expires = 'warnings.err_time';
	// An expiry already past says so first: with the effective time left empty (now), it
	// is also before the effective time, which would blame the field the issuer never set.
	else if (input.expires <= now) errors.expires = 'warnings.err_expired';
	else if (input.expires <= input.effective) errors.expires = 'warnings.err_expires_before_effective';
	if (Number.isNaN(input.effective.getTime())) errors.effective = 'warnings.err_time';
	if (!input.areas.length) errors.area = 'warnings.err_area_required';
	else if (input.areas.length > MAX_AREAS) errors.area = 'warnings.err_too_many_areas';
	for (const area of input.areas) {
		const problem = areaProblem(area);
		if (problem) errors.area = problem;
	}
	if (input.web && !(/^https?:\/\/\S+$/.test(input.web) && input.web.length <= 500)) errors.web = 'warnings.err_web';
	if (input.contact && input.contact.length > 200) errors.contact = 'errors.too_long';
	if (!input.infos.length) errors.headline_zh = 'errors.required';
	const limits = { headline: 200, description: 4000, instruction: 4000, senderName: 200, event: 100, areaDesc: 1000 } as const;
	for (const info of input.infos) {
		const suffix = info.lang.startsWith('zh') ? 'zh' : 'en';
		for (const [field, max] of Object.entries(limits) as [keyof typeof limits, number][]) {
			const value = info[field];
			const key = `${field === 'senderName' ? 'sender_name' : field === 'areaDesc' ? 'area_desc' : field}_${suffix}`;
			if (!value.trim()) errors[key] = 'errors.required';
			else if (value.length > max) errors[key] = 'errors.too_long';
		}
	}
	return errors;
}

/** Beijing time (UTC+8, no daylight saving) as CAP wants it: 2026-07-21T14:00:00+08:00. */
export function capTime(date: Date): string {
	const local = new Date(date.getTime() + 8 * 3600_000);
	return `${local.toISOString().slice(0, 19)}+08:00`;
}
