/**
 * Demo shelters and routes for the embedded default only (called from seedDemo). They
 * are synthetic (see demo-shelters.json): every row has demo = true and "demo" in its
 * name. Placed by offsets from the town seats, so only towns with a seat get any.
 */
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import demo from './demo-shelters.json';

type DemoShelter = (typeof demo.shelters)[number] & { note_zh?: string; note_en?: string };

export async function seedDemoShelters(db: Database): Promise<number> {
	return asService(db, async (tx) => {
		const [{ n }] = (await tx.query<{ n: number }>('select count(*)::int as n from public.shelters where demo')) as [{ n: number }];
		if (n > 0) return 0;
		const seats = new Map(
			(await tx.query<{ code: string; lat: number; lon: number }>(
				'select code, extensions.st_y(seat) as lat, extensions.st_x(seat) as lon from public.towns where seat is not null'
			)).map((t) => [t.code, t])
		);
		const ids = new Map<string, string>();
		for (const s of demo.shelters as DemoShelter[]) {
			const seat = seats.get(s.town);
			if (!seat) continue;
			const note = s.note_zh ? `${s.note_zh} ${s.note_en}` : null;
			const [row] = await tx.query<{ id: string }>(
				`insert into public.shelters (ref, name_zh, name_en, address, town_code, position, class, indoor, area_m2, capacity,
				                             facilities, hazards, note, demo)
				 values ($1, $2, $3, $4, $5, extensions.st_setsrid(extensions.st_makepoint($6, $7), 4326)::extensions.geography,
				         $8, $9, $10, $11, $12::text[]::public.shelter_facility[], $13::text[]::public.hazard_code[], $14, true)
				 returning id`,
				[s.ref, s.name_zh, s.name_en, s.address, s.town, seat.lon + s.d[0]!, seat.lat + s.d[1]!, s.class, s.indoor, s.area_m2, s.capacity,
					s.facilities, s.hazards, note]
			);
			ids.set(s.ref, row!.id);
		}
		for (const r of demo.routes) {
			const seat = seats.get(r.town);
			const shelterId = ids.get(r.shelter);
			if (!seat || !shelterId) continue;
			const from = [seat.lon + r.from[0]!, seat.lat + r.from[1]!];
			// A drawn line for the demo: origin, a bend, the shelter.
			await tx.query(
				`with s as (select position::extensions.geometry as p from public.shelters where id = $1),
				      o as (select extensions.st_setsrid(extensions.st_makepoint($2, $3), 4326) as p)
				 insert into public.evacuation_routes (shelter_id, village_code, origin_name_zh, origin_name_en, origin, path,
				                                       description_zh, description_en, walk_minutes, demo)
				 select $1, $4, $5, $6, o.p,
				        extensions.st_makeline(array[o.p, extensions.st_setsrid(extensions.st_makepoint(extensions.st_x(o.p), extensions.st_y(s.p)), 4326), s.p]),
				        $7, $8, $9, true
				   from s, o`,
				[shelterId, from[0], from[1], r.village, r.origin_name_zh, r.origin_name_en, r.description_zh, r.description_en, r.walk_minutes]
			);
		}
		return ids.size;
	});
}
