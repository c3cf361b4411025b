/**
 * Import of real shelter lists (CSV or GeoJSON points), all or nothing: every row is
 * checked first and the errors name the row and the column; only a clean file is
 * written, in one transaction (the caller's: RLS lets only admins insert). Coordinates
 * may be WGS84, GCJ-02 (Amap/Tencent) or BD-09 (Baidu); they are stored as WGS84.
 */
import gcoord from 'gcoord';
import { isHazardCode } from '../../hazards';
import { nearDistrict } from '../../shelters/geo';
import { ShelterFacilityValues, ShelterStatusValues, type ShelterClass, type ShelterStatus, type Tables } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { parseCsv } from '../csv';
import vocabulary from './import-vocabulary.json';

// The shared reader; shelters' spec and older callers import it from here.
export { parseCsv };

export type Crs = 'wgs84' | 'gcj02' | 'bd09';

/** One row to import: the registry's columns, with the position as lat/lon. */
export type ImportRow = Omit<Tables['shelters'], 'id' | 'position' | 'demo' | 'retired_at' | 'updated_at'> & { lat: number; lon: number };

/** One problem: the row (as the file counts: CSV line, GeoJSON feature number), the column, an i18n key. */
export type ImportError = { row: number; column: string; message: string };

export const COLUMNS = [
	'ref', 'name_zh', 'name_en', 'address', 'town_code', 'lat', 'lon', 'crs', 'class', 'indoor', 'area_m2', 'capacity',
	'facilities', 'hazards', 'status', 'occupancy', 'phone', 'contact', 'note'
] as const;

const MAX_ROWS = 5000;
const lookup = <T>(table: Record<string, T>, raw: string): T | undefined =>
	Object.hasOwn(table, raw) ? table[raw] : Object.hasOwn(table, raw.toLowerCase()) ? table[raw.toLowerCase()] : undefined;

/** One record to check: its row number, its cells by column name, and a GeoJSON point if it came as one. */
export type Raw = { row: number; get(column: string): string; lonLat?: [number, number] };

/**
 * Checks one record; pushes its errors and returns the row when it is clean. The console's
 * shelter form is checked by this too (registry.ts), so a field reads the same in both.
 */
export function checkRow(raw: Raw, defaultCrs: Crs, towns: Set<string>, errors: ImportError[]): ImportRow | null {
	const before = errors.length;
	const err = (column: string, message: string) => errors.push({ row: raw.row, column, message });
	const text = (column: string, max: number, required = false) => {
		const v = raw.get(column).trim();
		if (required && !v) err(column, 'shelters.import.required');
		else if (v.length > max) err(column, 'shelters.import.too_long');
		return v || null;
	};
	const int = (column: string, required: boolean) => {
		const v = raw.get(column).trim();
		if (!v) {
			if (required) err(column, 'shelters.import.required');
			return null;
		}
		const n = Number(v);
		if (!Number.isInteger(n) || n < 0 || n > 10_000_000) {
			err(column, 'shelters.import.not_a_count');
			return null;
		}
		return n;
	};
	const list = (column: string, valid: (code: string) => boolean, required: boolean) => {
		const items = raw.get(column).split(/[;|，,、\s]+/).map((x) => x.trim()).filter(Boolean);
		if (required && items.length === 0) err(column, 'shelters.import.required');
		const bad = items.filter((x) => !valid(x));
		if (bad.length) err(column, 'shelters.import.unknown_code');
		return [...new Set(items)];
	};

	const ref = text('ref', 64);
	if (ref && !/^[A-Za-z0-9._:-]{1,64}$/.test(ref)) err('ref', 'shelters.import.bad_ref');
	const name_zh = text('name_zh', 100, true) ?? '';
	const name_en = text('name_en', 200, true) ?? '';
	const address = text('address', 200);
	const town_code = text('town_code', 9);
	if (town_code && !towns.has(town_code)) err('town_code', 'shelters.import.unknown_town');

	const crsRaw = raw.get('crs').trim();
	const crs = crsRaw ? lookup(vocabulary.crs as Record<string, Crs>, crsRaw) : defaultCrs;
	if (!crs) err('crs', 'shelters.import.unknown_crs');
	let lat = NaN;
	let lon = NaN;
	if (raw.lonLat) [lon, lat] = raw.lonLat;
	else {
		const latRaw = raw.get('lat').trim();
		const lonRaw = raw.get('lon').trim();
		lat = latRaw ? Number(latRaw) : NaN;
		lon = lonRaw ? Number(lonRaw) : NaN;
		if (!Number.isFinite(lat)) err('lat', latRaw ? 'shelters.import.not_a_coordinate' : 'shelters.import.required');
		if (!Number.isFinite(lon)) err('lon', lonRaw ? 'shelters.import.not_a_coordinate' : 'shelters.import.required');
	}
	if (Number.isFinite(lat) && Number.isFinite(lon) && crs) {
		if (crs !== 'wgs84') {
			const from = crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09;
			[lon, lat] = gcoord.transform([lon, lat], from, gcoord.WGS84) as [number, number];
		}
		if (!nearDistrict(lat, lon)) err(raw.lonLat ? 'geometry' : 'lat', 'shelters.import.outside_district');
	}

	const classRaw = raw.get('class').trim();
	const klass = lookup(vocabulary.class as Record<string, ShelterClass>, classRaw);
	if (!classRaw) err('class', 'shelters.import.required');
	else if (!klass) err('class', 'shelters.import.unknown_class');
	const indoorRaw = raw.get('indoor').trim();
	const indoor = lookup(vocabulary.indoor as Record<string, boolean>, indoorRaw);
	if (indoor === undefined) err('indoor', indoorRaw ? 'shelters.import.not_yes_no' : 'shelters.import.required');
	const area_m2 = int('area_m2', false);
	if (area_m2 === 0) err('area_m2', 'shelters.import.not_a_count');
	const capacity = int('capacity', true);
	const facilities = list('facilities', (x) => (ShelterFacilityValues as readonly string[]).includes(x), false);
	const hazards = list('hazards', isHazardCode, true);
	const statusRaw = raw.get('status').trim() || 'open';
	if (!(ShelterStatusValues as readonly string[]).includes(statusRaw)) err('status', 'shelters.import.unknown_code');
	const occupancy = int('occupancy', false) ?? 0;
	const phone = text('phone', 30);
	if (phone && !/^[0-9+() -]{3,30}$/.test(phone)) err('phone', 'shelters.import.bad_phone');
	const contact = text('contact', 100);
	const note = text('note', 500);

	if (errors.length > before) return null;
	return {
		ref, name_zh, name_en, address, town_code, lat, lon, class: klass!, indoor: indoor!, area_m2, capacity: capacity!,
		facilities, hazards, status: statusRaw as ShelterStatus, occupancy, phone, contact, note
	};
}

export type Parsed = { rows: ImportRow[]; errors: ImportError[] };

/** Reads a CSV (header row of COLUMNS names) or a GeoJSON FeatureCollection of points. */
export function parseFile(content: string, format: 'csv' | 'geojson', defaultCrs: Crs, towns: Set<string>): Parsed {
	const errors: ImportError[] = [];
	const rows: ImportRow[] = [];
	const lines: number[] = [];
	if (format === 'csv') {
		const [header, ...body] = parseCsv(content);
		if (!header) return { rows, errors: [{ row: 1, column: '', message: 'shelters.import.empty' }] };
		const names = header.cells.map((h) => h.trim().toLowerCase());
		for (const required of ['name_zh', 'name_en', 'class', 'indoor', 'capacity', 'hazards', 'lat', 'lon']) {
			if (!names.includes(required)) errors.push({ row: header.line, column: required, message: 'shelters.import.missing_column' });
		}
		const unknown = names.filter((n) => n && !(COLUMNS as readonly string[]).includes(n));
		for (const n of unknown) errors.push({ row: header.line, column: n, message: 'shelters.import.unknown_column' });
		if (errors.length) return { rows, errors };
		if (body.length === 0) return { rows, errors: [{ row: 2, column: '', message: 'shelters.import.empty' }] };
		if (body.length > MAX_ROWS) return { rows, errors: [{ row: body[MAX_ROWS]!.line, column: '', message: 'shelters.import.too_many' }] };
		for (const { line, cells } of body) {
			const get = (column: string) => {
				const i = names.indexOf(column);
				return i < 0 ? '' : (cells[i] ?? '');
			};
			const row = checkRow({ row: line, get }, defaultCrs, towns, errors);
			if (row) {
				rows.push(row);
				lines.push(line);
			}
		}
	} else {
		let doc: { type?: string; features?: unknown[] };
		try {
			doc = JSON.parse(content);
		} catch {
			return { rows, errors: [{ row: 0, column: '', message: 'shelters.import.bad_json' }] };
		}
		if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
			return { rows, errors: [{ row: 0, column: 'type', message: 'shelters.import.not_feature_collection' }] };
		}
		if (doc.features.length === 0) return { rows, errors: [{ row: 1, column: '', message: 'shelters.import.empty' }] };
		if (doc.features.length > MAX_ROWS) return { rows, errors: [{ row: MAX_ROWS + 1, column: '', message: 'shelters.import.too_many' }] };
		doc.features.forEach((f, index) => {
			const feature = f as { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> };
			const props = feature.properties ?? {};
			const get = (column: string) => {
				const v = props[column];
				return v === undefined || v === null ? '' : Array.isArray(v) ? v.join(';') : String(v);
			};
			const c = feature.geometry?.coordinates;
			const point = feature.geometry?.type === 'Point' && Array.isArray(c) && c.length >= 2 && c.every((x) => typeof x === 'number');
			if (!point) {
				errors.push({ row: index + 1, column: 'geometry', message: 'shelters.import.not_a_point' });
				return;
			}
			const row = checkRow({ row: index + 1, get, lonLat: [c[0] as number, c[1] as number] }, defaultCrs, towns, errors);
			if (row) {
				rows.push(row);
				lines.push(index + 1);
			}
		});
	}
	const seen = new Set<string>();
	for (const [i, r] of rows.entries()) {
		if (!r.ref) continue;
		if (seen.has(r.ref)) errors.push({ row: lines[i]!, column: 'ref', message: 'shelters.import.duplicate_ref' });
		seen.add(r.ref);
	}
	return errors.length ? { rows: [], errors } : { rows, errors };
}

/** The values of a row for SHELTER_INSERT's $1 … $18. */
export function rowParams(r: ImportRow): unknown[] {
	return [r.ref, r.name_zh, r.name_en, r.address, r.town_code, r.lon, r.lat, r.class, r.indoor, r.area_m2, r.capacity,
		r.facilities, r.hazards, r.status, r.occupancy, r.phone, r.contact, r.note];
}

/** The registry's columns, and SQL for their values from rowParams, for an insert. */
export const SHELTER_INSERT = `public.shelters (ref, name_zh, name_en, address, town_code, position, class, indoor, area_m2, capacity,
	                   facilities, hazards, status, occupancy, phone, contact, note)
	 values ($1, $2, $3, $4, $5, extensions.st_setsrid(extensions.st_makepoint($6, $7), 4326)::extensions.geography,
	         $8, $9, $10, $11, $12::text[]::public.shelter_facility[], $13::text[]::public.hazard_code[], $14, $15, $16, $17, $18)`;

/** Writes checked rows in the caller's transaction; a row with a known ref updates that shelter. */
export async function write(tx: Queryable, rows: ImportRow[]): Promise<{ inserted: number; updated: number }> {
	let inserted = 0;
	let updated = 0;
	for (const r of rows) {
		const [result] = await tx.query<{ inserted: boolean }>(
			`insert into ${SHELTER_INSERT}
			 on conflict (ref) do update set
			   name_zh = excluded.name_zh, name_en = excluded.name_en, address = excluded.address, town_code = excluded.town_code,
			   position = excluded.position, class = excluded.class, indoor = excluded.indoor, area_m2 = excluded.area_m2,
			   capacity = excluded.capacity, facilities = excluded.facilities, hazards = excluded.hazards, status = excluded.status,
			   occupancy = excluded.occupancy, phone = excluded.phone, contact = excluded.contact, note = excluded.note,
			   demo = false, retired_at = null
			 returning (xmax = 0) as inserted`,
			rowParams(r)
		);
		if (result?.inserted) inserted++;
		else updated++;
	}
	return { inserted, updated };
}
