import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS } from './caller';
import { as, backends } from '../testing/db';
import type { Database } from './port';

describe.each(backends())('reference data on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('has the district outline with the official area (2,229 km²) within 1%', async () => {
		const [row] = await as(db, ANON_CLAIMS, (tx) =>
			tx.query<{ km2: number; valid: boolean }>(
				`select extensions.st_area(outline::extensions.geography) / 1e6 as km2, extensions.st_isvalid(outline) as valid
				   from public.district where adcode = 110118`
			)
		);
		expect(row!.valid).toBe(true);
		expect(Math.abs(row!.km2 - 2229.45) / 2229.45).toBeLessThan(0.01);
	});

	it('has 21 township-level units and 429 villages with official codes', async () => {
		const towns = await as(db, ANON_CLAIMS, (tx) =>
			tx.query<{ code: string; villages: number }>(
				`select t.code, count(v.code)::int as villages from public.towns t left join public.villages v on v.town_code = t.code
				  group by t.code order by t.code`
			)
		);
		expect(towns).toHaveLength(21);
		expect(towns.reduce((sum, t) => sum + t.villages, 0)).toBe(429);
		expect(towns.find((t) => t.code === '110118101')).toEqual({ code: '110118101', villages: 22 }); // 溪翁庄镇
		const [xiweng] = await as(db, ANON_CLAIMS, (tx) =>
			tx.query<{ name_zh: string; name_en: string }>(`select name_zh, name_en from public.towns where code = '110118101'`)
		);
		expect(xiweng).toEqual({ name_zh: '溪翁庄镇', name_en: 'Xiwengzhuang Town' });
	});

	it('puts every known town seat inside the district', async () => {
		const outside = await as(db, ANON_CLAIMS, (tx) =>
			tx.query(
				`select t.code from public.towns t, public.district d
				  where t.seat is not null and not extensions.st_contains(d.outline, t.seat)`
			)
		);
		expect(outside).toEqual([]);
	});

	it('has the departments the issue names, in both languages', async () => {
		const rows = await as(db, ANON_CLAIMS, (tx) => tx.query<{ code: string; name_en: string }>('select code, name_en from public.departments'));
		const codes = rows.map((r) => r.code);
		for (const code of ['emergency', 'water', 'planning_resources', 'landscape_forestry', 'fire_rescue', 'urban_management',
			'transport', 'housing', 'culture_tourism', 'meteorology', 'earthquake', 'police', 'health', 'civil_affairs', 'commerce']) {
			expect(codes).toContain(code);
		}
		expect(rows.every((r) => r.name_en.length > 3)).toBe(true);
	});
});
