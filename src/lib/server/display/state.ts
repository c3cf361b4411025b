/**
 * What a public display screen shows: the warnings in force that touch its place, each
 * in Chinese and English (the screen alternates), with the hazard guide's "during"
 * section as what to do now, and the nearest open shelter suitable for the hazard.
 */
import type { HazardCode, WarningLevel } from '../../db-types.gen';
import { makeT } from '../../i18n';
import { infoFor, warningTitle } from '../../warnings';
import { messagesFor } from '../i18n';
import type { Queryable } from '../db/port';
import { duringSection } from '../guides';
import { nearest } from '../shelters';
import * as warnings from '../warnings/store';
import type { ScreenPlace } from './screens';

/** Radius around a scenic area's point that counts as the scenic area, in metres. */
const SCENIC_RADIUS_M = 2000;

type Side = { headline: string; instruction: string; doNow: string | null; shelter: string | null };

export type DisplayWarning = {
	id: string;
	hazard: HazardCode;
	level: WarningLevel;
	status: string;
	expires: string;
	zh: Side;
	en: Side;
	shelterDistanceM: number | null;
};

export type DisplayState = { name: string; asOf: string; warnings: DisplayWarning[] };

/** The place's geometry and a representative point (for the shelter search). */
const PLACE_SQL = `
	select extensions.st_asbinary(g) as g, extensions.st_y(extensions.st_pointonsurface(g)) as lat, extensions.st_x(extensions.st_pointonsurface(g)) as lon
	  from (select case $1
	          when 'town' then (select area from public.town_areas where code = $2)
	          when 'scenic' then (select extensions.st_buffer(location::extensions.geography, ${SCENIC_RADIUS_M})::extensions.geometry from public.scenic_areas where id = $3)
	          else extensions.st_buffer(extensions.st_setsrid(extensions.st_makepoint($4, $5), 4326)::extensions.geography, $6)::extensions.geometry
	        end as g) p where g is not null`;

/** Strips the tags of the guide's rendered Markdown: a screen shows plain large text. */
const plain = (html: string) => html.replace(/<li>/g, '• ').replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\n{2,}/g, '\n').trim();

export async function displayState(tx: Queryable, name: string, place: ScreenPlace, now = new Date()): Promise<DisplayState> {
	const [p] = await tx.query<{ g: Uint8Array; lat: number; lon: number }>(PLACE_SQL, [
		place.kind,
		place.kind === 'town' ? place.townCode : null,
		place.kind === 'scenic' ? place.scenicId : null,
		place.kind === 'point' ? place.lon : null,
		place.kind === 'point' ? place.lat : null,
		place.kind === 'point' ? place.radiusM : null
	]);
	if (!p) return { name, asOf: now.toISOString(), warnings: [] };
	const ids = await tx.query<{ id: string }>(
		`select w.id from public.warnings w
		  where w.state = 'issued' and w.msg_type <> 'Cancel' and app.warning_in_force(w)
		    and extensions.st_intersects(w.area, extensions.st_geomfromwkb($1, 4326))
		  order by w.level desc, w.sent desc limit 5`,
		[p.g]
	);
	const list: DisplayWarning[] = [];
	for (const { id } of ids) {
		const w = await warnings.get(tx, id);
		if (!w) continue;
		const found = await nearest(tx, { lat: p.lat, lon: p.lon, hazard: w.hazard, limit: 1 });
		const shelter = found.shelters[0] ?? null;
		const side = (lang: 'zh-CN' | 'en'): Side => {
			const info = infoFor(w.infos, lang)!;
			const during = duringSection(lang, w.hazard);
			return {
				headline: warningTitle(makeT(lang, messagesFor(lang)), w.status, info.headline),
				instruction: info.instruction,
				doNow: during ? plain(during.html) : null,
				shelter: shelter ? (lang === 'en' ? shelter.name_en : shelter.name_zh) : null
			};
		};
		list.push({ id: w.id, hazard: w.hazard, level: w.level, status: w.status, expires: w.expires.toISOString(), zh: side('zh-CN'), en: side('en'), shelterDistanceM: shelter?.distance_m ?? null });
	}
	return { name, asOf: now.toISOString(), warnings: list };
}
