/**
 * A demo roll for the embedded default only (called from seedDemo): invented households
 * in a few villages of 溪翁庄镇 and 太师屯镇, each with demo = true and a ref starting
 * DEMO-, and names that say "demo" in both languages. The assigned refuge is the
 * township's first demo shelter, as the demo hazard points do.
 */
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import vocabulary from './vocabulary.json';

export const DEMO_TOWNS = ['110118101', '110118107'] as const;
const VULNERABLE = [['elderly_alone'], [], ['children'], ['bedridden', 'elderly_alone'], [], ['disabled']];

export async function seedDemoRoll(db: Database): Promise<number> {
	return asService(db, async (tx) => {
		const [{ n }] = (await tx.query<{ n: number }>('select count(*)::int as n from public.evac_households where demo')) as [{ n: number }];
		if (n > 0) return 0;
		const villages = await tx.query<{ code: string; town_code: string; shelter: string | null }>(
			`select v.code, v.town_code,
			        (select s.id from public.shelters s where s.demo and s.town_code = v.town_code order by s.ref limit 1) as shelter
			   from public.villages v
			  where v.town_code = any($1::text[]) and v.kind = 'village'
			  order by v.town_code, v.code`,
			[DEMO_TOWNS]
		);
		const chosen = DEMO_TOWNS.flatMap((town) => villages.filter((v) => v.town_code === town).slice(0, 2));
		let made = 0;
		for (const [vi, v] of chosen.entries()) {
			for (const [i, head] of vocabulary.demo.heads.slice(0, 4).entries()) {
				const [cadre, cadrePhone] = vocabulary.demo.cadres[(vi + i) % 2]!;
				await tx.query(
					`insert into public.evac_households (town_code, ref, village_code, head_name, phone, address, people, vulnerable, shelter_id,
					                                     cadre_name, cadre_phone, hazards, demo)
					 values ($1, $2, $3, $4, $5, $6, $7, $8::text[]::public.evac_vulnerability[], $9, $10, $11, '{flash_flood,landslide}', true)`,
					[v.town_code, `DEMO-${v.code}-${i + 1}`, v.code, `${head}-${vi + 1}`, i % 3 === 2 ? null : `1390000${String(vi * 10 + i).padStart(4, '0')}`,
						vocabulary.demo.address, 1 + ((vi + i) % 5), VULNERABLE[(vi + i) % VULNERABLE.length], v.shelter, cadre, cadrePhone]
				);
				made++;
			}
		}
		return made;
	});
}
