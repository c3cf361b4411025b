/**
 * Townships whose villages are matched by the whole district (public.village_areas,
 * district_wide): they have no area yet, neither a sourced seat nor an imported
 * boundary. Pages and the API name them so that nobody is surprised by, or relies on,
 * that over-informing.
 */
import type { TFunction } from 'i18next';
import { LANGS, makeT, type Lang } from '../../i18n';
import type { Queryable } from '../db/port';
import type { Place } from '../messaging/subscriptions';
import { messagesFor } from '../i18n';
import { district } from '../district';

/**
 * One concept, one place: a township is matched district-wide exactly when it has no
 * area (the district module's `has_area`, the same test as village_areas' `a.code is
 * null`). Read from the district module's cache, not per page load.
 */
export async function districtWideTowns(tx: Queryable): Promise<string[]> {
	return (await district(tx)).towns.filter((t) => !t.has_area).map((t) => t.code);
}

export type DistrictWideNote = {
	/** the place in the request, as in field errors */
	field: string;
	code: 'district_wide';
	town: string;
	/** the same note in every language, for whoever shows it */
	message: Record<Lang, string>;
};

/** For the village places of a new subscription matched district-wide, a note saying so in every language. */
export async function districtWideNotes(tx: Queryable, places: Place[]): Promise<DistrictWideNote[]> {
	const codes = places.map((p) => ('village' in p ? p.village : null));
	if (!codes.some(Boolean)) return [];
	// Which of them the matcher treats district-wide (a village with a point of its own is
	// not); the township's names come from the district module.
	const wide = await tx.query<{ code: string; town: string }>(
		`select va.code, va.town_code as town from public.village_areas va where va.district_wide and va.code = any($1::text[])`,
		[codes.filter(Boolean)]
	);
	const towns = new Map((await district(tx)).towns.map((t) => [t.code, t]));
	const rows = wide.flatMap((w) => {
		const town = towns.get(w.town);
		return town ? [{ ...w, name_zh: town.name_zh, name_en: town.name_en }] : [];
	});
	const say = Object.fromEntries(LANGS.map((lang) => [lang, makeT(lang, messagesFor(lang))])) as Record<Lang, TFunction>;
	return codes.flatMap((code, i) => {
		const row = rows.find((r) => r.code === code);
		if (!row) return [];
		const message = Object.fromEntries(
			LANGS.map((lang) => [lang, say[lang]('subscriptions.district_wide_note', { town: lang === 'en' ? row.name_en : row.name_zh })])
		) as Record<Lang, string>;
		return [{ field: `places[${i}]`, code: 'district_wide' as const, town: row.town, message }];
	});
}
