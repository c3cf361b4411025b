/**
 * Demo hazard points for the embedded default only (called from seedDemo): invented
 * points in the mountain townships, ~1 km from a demo shelter that serves as their
 * refuge. Every one has demo = true and a ref starting DEMO-, and the map and console
 * label them as demo. The monitor is a placeholder, not a person.
 */
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import vocabulary from './vocabulary.json';

const MOUNTAIN_TOWNS = ['110118107', '110118109', '110118110', '110118111', '110118115', '110118116'];
const KINDS = ['landslide', 'debris_flow', 'collapse'] as const;

export async function seedDemoHazardPoints(db: Database): Promise<number> {
	return asService(db, async (tx) => {
		const [{ n }] = (await tx.query<{ n: number }>('select count(*)::int as n from public.hazard_points where demo')) as [{ n: number }];
		if (n > 0) return 0;
		const shelters = await tx.query<{ id: string; town_code: string; lat: number; lon: number }>(
			`select distinct on (s.town_code) s.id, s.town_code, extensions.st_y(s.position::extensions.geometry) as lat,
			        extensions.st_x(s.position::extensions.geometry) as lon
			   from public.shelters s where s.demo and s.town_code = any($1::text[]) order by s.town_code, s.ref`,
			[MOUNTAIN_TOWNS]
		);
		let made = 0;
		for (const [i, s] of shelters.entries()) {
			const [point] = await tx.query<{ id: string }>(
				`insert into public.hazard_points (ref, kind, town_code, location, households, people, refuge_shelter_id, route, demo)
				 values ($1, $2, $3, extensions.st_setsrid(extensions.st_makepoint($4, $5), 4326), $6, $7, $8, $9, true) returning id`,
				[`DEMO-${s.town_code}-1`, KINDS[i % KINDS.length], s.town_code, s.lon + 0.009, s.lat + 0.006, 3 + i, 8 + 3 * i, s.id,
					vocabulary.demo.route]
			);
			await tx.query('insert into public.hazard_point_monitors (hazard_point_id, name, phone) values ($1, $2, $3)', [
				point!.id, vocabulary.demo.monitor_name, vocabulary.demo.monitor_phone
			]);
			made++;
		}
		return made;
	});
}
