/** Townships, villages and units by code, for forms and for naming who handles a report. */
import type { Queryable } from '../db/port';

export type Place = { code: string; name_zh: string; name_en: string };
export type Village = Place & { town_code: string };

export async function places(tx: Queryable): Promise<{ towns: Place[]; villages: Village[]; departments: Place[] }> {
	const towns = await tx.query<Place>('select code, name_zh, name_en from public.towns order by code');
	const villages = await tx.query<Village>('select code, town_code, name_zh, name_en from public.villages order by code');
	const departments = await tx.query<Place>('select code, name_zh, name_en from public.departments where active order by sort, code');
	return { towns, villages, departments };
}

/** code → name in the page's language, for townships and departments together (codes never collide). */
export function unitNames(p: { towns: Place[]; departments: Place[] }, lang: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const x of [...p.towns, ...p.departments]) out[x.code] = lang === 'en' ? x.name_en : x.name_zh;
	return out;
}
