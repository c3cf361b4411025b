/** Townships for the compose form: which can be picked (have an approximate area) and their seats. */
import type { Queryable } from '../db/port';
import type { LatLon } from './model';

export type TownChoice = { code: string; name_zh: string; name_en: string; has_area: boolean; lat: number | null; lon: number | null };

export function townChoices(tx: Queryable): Promise<TownChoice[]> {
	return tx.query<TownChoice>(
		`select t.code, t.name_zh, t.name_en, exists (select 1 from public.town_areas a where a.code = t.code) as has_area,
		        extensions.st_y(t.seat) as lat, extensions.st_x(t.seat) as lon
		   from public.towns t order by t.code`
	);
}

export function seatsOf(towns: TownChoice[]): Map<string, LatLon> {
	return new Map(towns.filter((t) => t.lat !== null && t.lon !== null).map((t) => [t.code, [t.lat!, t.lon!] as LatLon]));
}

/** The caller's department names, to prefill "sender". */
export async function senderNames(tx: Queryable): Promise<{ zh: string; en: string } | null> {
	const [row] = await tx.query<{ zh: string; en: string }>(
		'select d.name_zh as zh, d.name_en as en from public.departments d where d.code = app.staff_department()'
	);
	return row ?? null;
}
