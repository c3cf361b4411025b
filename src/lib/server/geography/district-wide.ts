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

export async function districtWideTowns(tx: Queryable): Promise<string[]> {
	const rows = await tx.query<{ town_code: string }>('select distinct town_code from public.village_areas where district_wide order by town_code');
	return rows.map((r) => r.town_code);
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
	const rows = await tx.query<{ code: string; town: string; name_zh: string; name_en: string }>(
		`select va.code, t.code as town, t.name_zh, t.name_en
		   from public.village_areas va join public.towns t on t.code = va.town_code
		  where va.district_wide and va.code = any($1::text[])`,
		[codes.filter(Boolean)]
	);
	const say = Object.fromEntries(LANGS.map((lang) => [lang, makeT(lang, messagesFor(lang))])) as Record<Lang, TFunction>;
	return codes.flatMap((code, i) => {
		const row = rows.find((r) => r.code === code);
		if (!row) return [];
		const message = Object.fromEntries(
			LANGS.map((lang) => [lang, say[lang]('alerts.district_wide_note', { town: lang === 'en' ? row.name_en : row.name_zh })])
		) as Record<Lang, string>;
		return [{ field: `places[${i}]`, code: 'district_wide' as const, town: row.town, message }];
	});
}
