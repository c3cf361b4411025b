/**
 * The district's reference data: townships (with their seats and whether they have an
 * approximate area), villages and departments. One module reads them for every form,
 * list and name lookup. They change rarely (a migration, an admin's geography import or
 * department edit), so they are read at most once a minute per process — as the
 * assistant's gazetteer is — and at once again after this process changes them
 * (`forgetDistrict`). Every caller may read them (RLS: public reference data), so one
 * copy serves all callers.
 */
import type { Queryable } from '../db/port';

export type Place = { code: string; name_zh: string; name_en: string };
export type Village = Place & { town_code: string };
/** population: registered residents (end of 2022, reference data), for the planning figures */
export type Town = Place & { has_area: boolean; lat: number | null; lon: number | null; population: number | null };

/**
 * towns and villages by code; departments: the active ones, in their order; retired: the
 * departments no longer active, still named where reports were routed to them.
 */
export type District = { towns: Town[]; villages: Village[]; departments: Place[]; retired: Place[] };

const CACHE_MS = 60_000;
let cached: { at: number; district: Promise<District> } | null = null;

export function district(tx: Queryable, now = Date.now()): Promise<District> {
	if (!cached || now - cached.at > CACHE_MS) {
		const read = readDistrict(tx);
		cached = { at: now, district: read };
		// A failed read is not kept.
		read.catch(() => (cached = null));
	}
	return cached.district;
}

/** After this process changed towns, villages, township areas or departments. */
export function forgetDistrict(): void {
	cached = null;
}

async function readDistrict(tx: Queryable): Promise<District> {
	const towns = await tx.query<Town>(
		`select t.code, t.name_zh, t.name_en, exists (select 1 from public.town_areas a where a.code = t.code) as has_area,
		        extensions.st_y(t.seat) as lat, extensions.st_x(t.seat) as lon, t.population
		   from public.towns t order by t.code`
	);
	const villages = await tx.query<Village>('select code, town_code, name_zh, name_en from public.villages order by code');
	const departments = await tx.query<Place & { active: boolean }>('select code, name_zh, name_en, active from public.departments order by sort, code');
	return { towns, villages, departments: departments.filter((d) => d.active).map(named), retired: departments.filter((d) => !d.active).map(named) };
}

/** Just the names, for pages that list places (no seats). */
const named = ({ code, name_zh, name_en }: Place): Place => ({ code, name_zh, name_en });

export async function towns(tx: Queryable): Promise<Place[]> {
	return (await district(tx)).towns.map(named);
}

export async function townCodes(tx: Queryable): Promise<Set<string>> {
	return new Set((await district(tx)).towns.map((t) => t.code));
}

/** Villages of a township (none for no township). */
export async function villagesOf(tx: Queryable, townCode: string | null): Promise<Place[]> {
	return (await district(tx)).villages.filter((v) => v.town_code === townCode).map(named);
}

/** Townships, villages and active departments by name, for the report forms and lists. */
export async function places(tx: Queryable): Promise<{ towns: Place[]; villages: Village[]; departments: Place[] }> {
	const d = await district(tx);
	return { towns: d.towns.map(named), villages: d.villages, departments: d.departments };
}

/** code → name in the page's language, for townships and departments together (codes never collide). */
export function unitNames(p: { towns: Place[]; departments: Place[] }, lang: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const x of [...p.towns, ...p.departments]) out[x.code] = lang === 'en' ? x.name_en : x.name_zh;
	return out;
}

/** code → [lat, lon] of the township seats that are known. */
export function seatsOf(towns: Town[]): Map<string, [number, number]> {
	return new Map(towns.filter((t) => t.lat !== null && t.lon !== null).map((t) => [t.code, [t.lat!, t.lon!]]));
}

/** code → name in `lang` of every township, village and department (retired ones too). */
export async function nameOf(tx: Queryable, lang: string): Promise<Map<string, string>> {
	const d = await district(tx);
	return new Map([...d.towns, ...d.villages, ...d.departments, ...d.retired].map((p) => [p.code, lang === 'en' ? p.name_en : p.name_zh]));
}

/** Whether a department with this code exists, active or retired. */
export async function isDepartment(tx: Queryable, code: string): Promise<boolean> {
	const d = await district(tx);
	return [...d.departments, ...d.retired].some((p) => p.code === code);
}

/** The caller's own department's names (to prefill a warning's sender): per caller, so not cached. */
export async function callerDepartment(tx: Queryable): Promise<{ zh: string; en: string } | null> {
	const [row] = await tx.query<{ zh: string; en: string }>(
		'select d.name_zh as zh, d.name_en as en from public.departments d where d.code = app.staff_department()'
	);
	return row ?? null;
}

/** Adds `town_zh`/`town_en` to rows that carry a `town_code` (null names for none or an unknown code). */
export async function withTownNames<T extends { town_code: string | null }>(tx: Queryable, rows: T[]): Promise<(T & { town_zh: string | null; town_en: string | null })[]> {
	const byCode = new Map((await district(tx)).towns.map((t) => [t.code, t]));
	return rows.map((r) => {
		const t = r.town_code === null ? undefined : byCode.get(r.town_code);
		return { ...r, town_zh: t?.name_zh ?? null, town_en: t?.name_en ?? null };
	});
}
