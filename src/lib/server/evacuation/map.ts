/**
 * The evacuation picture on the console map: per village on the list now, its counts
 * (the same picture as the evacuation page, from the same rows RLS lets the caller
 * read) at the village's place — or, for a village whose place is not imported yet, near
 * a point of its township's area, side by side, drawn as approximate.
 */
import type { EvacVillage } from '../../map/types';
import type { Queryable } from '../db/port';
import { lag, picture, toMove } from './marks';

/** A village lags when more than half its households are still to notify or unreachable. */
const LAGGING = 0.5;

export async function evacuationLayer(tx: Queryable): Promise<EvacVillage[]> {
	const villages = picture(await toMove(tx)).flatMap((t) => t.villages);
	if (!villages.length) return [];
	const places = await tx.query<{ code: string; lat: number; lon: number; approximate: boolean; nth: number }>(
		`select a.code, extensions.st_y(extensions.st_pointonsurface(a.area)) as lat, extensions.st_x(extensions.st_pointonsurface(a.area)) as lon,
		        a.through_town as approximate, (row_number() over (partition by a.town_code, a.through_town order by a.code))::int - 1 as nth
		   from public.village_areas a where a.code = any($1::text[]) and a.area is not null`,
		[villages.map((v) => v.village_code)]
	);
	const at = new Map(places.map((p) => [p.code, p]));
	return villages.flatMap((v) => {
		const p = at.get(v.village_code);
		if (!p) return [];
		// Villages placed only by their township share its point: set them in a row, about 7 km apart (a badge's width at the whole-district view).
		const shift = p.approximate ? p.nth * 0.085 : 0;
		return [{
			code: v.village_code, name_zh: v.village_zh, name_en: v.village_en, lat: p.lat, lon: p.lon + shift, approximate: p.approximate,
			households: v.households, settled: v.households - v.to_notify - v.unreachable, to_notify: v.to_notify, unreachable: v.unreachable,
			people_moved: v.people_moved, lagging: lag(v) > LAGGING
		}];
	});
}
