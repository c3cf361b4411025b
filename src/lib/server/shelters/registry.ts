/**
 * One shelter created or edited in the console. The form is checked by the import's rules
 * (checkRow), so a field means and reads the same in a file and in the form; positions may
 * be typed as WGS84, GCJ-02 (read off Amap/Tencent) or BD-09 and are stored as WGS84.
 * RLS lets only admins insert; the shelters_guard trigger lets township staff change only
 * the live fields, so a registry edit by them is refused (nothing is written).
 */
import type { Queryable } from '../db/port';
import { checkRow, COLUMNS, rowParams, SHELTER_INSERT, type ImportError, type ImportRow } from './import';

/** What the form shows again after a mistake: text fields as typed, checkbox groups as lists. */
export type FormValues = Record<string, string | string[]>;
/** Field name -> i18n key. */
export type FieldErrors = Record<string, string>;

const LISTS = new Set(['facilities', 'hazards']);
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The first error of each field. */
export function byField(errors: ImportError[]): FieldErrors {
	const out: FieldErrors = {};
	for (const e of errors) out[e.column] ??= e.message;
	return out;
}

export function parseShelterForm(form: FormData, towns: Set<string>): { row: ImportRow | null; values: FormValues; errors: FieldErrors } {
	const values: FormValues = {};
	for (const column of COLUMNS) {
		values[column] = LISTS.has(column) ? form.getAll(column).map(String) : String(form.get(column) ?? '').trim();
	}
	const get = (column: string) => {
		const v = values[column] ?? '';
		return Array.isArray(v) ? v.join(';') : v;
	};
	const errors: ImportError[] = [];
	// The form has no empty choice for crs; an unknown value is tampering and reads as WGS84's error.
	const row = checkRow({ row: 1, get }, 'wgs84', towns, errors);
	return { row, values, errors: byField(errors) };
}

/** The form's values for a stored shelter (its position is WGS84). */
export async function formValues(tx: Queryable, id: string): Promise<FormValues | null> {
	if (!UUID.test(id)) return null;
	const [s] = await tx.query<Record<string, unknown>>(
		`select ref, name_zh, name_en, address, town_code,
		        extensions.st_y(position::extensions.geometry) as lat, extensions.st_x(position::extensions.geometry) as lon,
		        class, indoor, area_m2, capacity, facilities::text[] as facilities, hazards::text[] as hazards,
		        status, occupancy, phone, contact, note
		   from public.shelters where id = $1`,
		[id]
	);
	if (!s) return null;
	const values: FormValues = { crs: 'wgs84' };
	for (const column of COLUMNS) {
		const v = s[column];
		if (column === 'crs') continue;
		values[column] = Array.isArray(v) ? v.map(String) : v === null || v === undefined ? '' : typeof v === 'number' && (column === 'lat' || column === 'lon') ? v.toFixed(6) : String(v);
	}
	return values;
}

type Saved = { id: string } | { errors: FieldErrors } | { forbidden: true };

/** Runs a write; a refusal by RLS or the shelters_guard trigger (SQLSTATE 42501) gives `refused`. */
export async function refusable<T>(work: () => Promise<T>, refused: T): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if ((error as { code?: string }).code === '42501') return refused;
		throw error;
	}
}

/** A taken ref becomes that field's error; a refusal (or no row to change) `forbidden`. */
async function guarded(work: () => Promise<string | null>): Promise<Saved> {
	try {
		const id = await refusable(work, null);
		return id ? { id } : { forbidden: true };
	} catch (error) {
		if ((error as { code?: string }).code === '23505') return { errors: { ref: 'shelters.edit.ref_taken' } };
		throw error;
	}
}

export function create(tx: Queryable, row: ImportRow): Promise<Saved> {
	return guarded(async () => (await tx.query<{ id: string }>(`insert into ${SHELTER_INSERT} returning id`, rowParams(row)))[0]?.id ?? null);
}

/** Replaces the registry entry; `demo` stays as it was (an edited demo shelter is still invented). */
export function update(tx: Queryable, id: string, row: ImportRow): Promise<Saved> {
	if (!UUID.test(id)) return Promise.resolve({ forbidden: true });
	return guarded(async () => {
		const rows = await tx.query<{ id: string }>(
			`update public.shelters set ref = $1, name_zh = $2, name_en = $3, address = $4, town_code = $5,
			        position = extensions.st_setsrid(extensions.st_makepoint($6, $7), 4326)::extensions.geography,
			        class = $8, indoor = $9, area_m2 = $10, capacity = $11, facilities = $12::text[]::public.shelter_facility[],
			        hazards = $13::text[]::public.hazard_code[], status = $14, occupancy = $15, phone = $16, contact = $17, note = $18
			  where id = $19 returning id`,
			[...rowParams(row), id]
		);
		return rows[0]?.id ?? null;
	});
}


