/**
 * Planning figures per township: shelter area per resident against the plan's target
 * (1.5 m² per resident) and capacity against population (registered population, end of
 * 2022, from the reference data). Shelters in service only; area counts where recorded.
 */
import type { Queryable } from '../db/port';
import { district } from '../district';

export const AREA_TARGET_M2_PER_RESIDENT = 1.5;

export type TownFigures = {
	code: string;
	name_zh: string;
	name_en: string;
	population: number | null;
	shelters: number;
	demo: number;
	area_m2: number;
	capacity: number;
	/** m² of effective shelter area per resident; null without a population */
	area_per_resident: number | null;
	/** capacity as a share of the population; null without a population */
	capacity_share: number | null;
	meets_area_target: boolean | null;
};

export async function figures(tx: Queryable): Promise<TownFigures[]> {
	const sums = await tx.query<{ town_code: string; shelters: number; demo: number; area_m2: number; capacity: number }>(
		`select s.town_code, count(*)::int as shelters, (count(*) filter (where s.demo))::int as demo,
		        coalesce(sum(s.area_m2), 0)::int as area_m2, coalesce(sum(s.capacity), 0)::int as capacity
		   from public.shelters s where s.retired_at is null and s.town_code is not null
		  group by s.town_code`
	);
	const byTown = new Map(sums.map((s) => [s.town_code, s]));
	// every township, with or without shelters (the district's towns are in code order)
	const rows = (await district(tx)).towns.map((t) => {
		const s = byTown.get(t.code);
		return { code: t.code, name_zh: t.name_zh, name_en: t.name_en, population: t.population, shelters: s?.shelters ?? 0, demo: s?.demo ?? 0, area_m2: s?.area_m2 ?? 0, capacity: s?.capacity ?? 0 };
	});
	return rows.map((r) => {
		const area_per_resident = r.population ? r.area_m2 / r.population : null;
		return {
			...r,
			area_per_resident,
			capacity_share: r.population ? r.capacity / r.population : null,
			meets_area_target: area_per_resident === null ? null : area_per_resident >= AREA_TARGET_M2_PER_RESIDENT
		};
	});
}
