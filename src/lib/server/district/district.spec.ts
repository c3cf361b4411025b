/**
 * The district's reference data, read once and kept: every township and village with
 * its names, the active departments; a second read within the minute asks the database
 * nothing, and a change made here is seen at once after forgetDistrict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { backends } from '../testing/db';
import { district, forgetDistrict, isDepartment, nameOf, townCodes, villagesOf } from '.';

describe.each(backends())('the district on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
		forgetDistrict();
	});
	afterAll(async () => {
		forgetDistrict();
		await db?.close();
	});

	/** Counts the statements a read sends. */
	const counting = async <T>(work: (tx: Queryable) => Promise<T>) => {
		let statements = 0;
		const result = await asService(db, (tx) => work({ ...tx, query: (sql: string, params?: unknown[]) => (statements++, tx.query(sql, params)) } as Queryable));
		return { result, statements };
	};

	it('holds Miyun’s 21 townships and 429 villages, each village in its township', async () => {
		forgetDistrict();
		const { towns, villages, departments } = (await counting(district)).result;
		expect(towns).toHaveLength(21);
		expect(villages).toHaveLength(429);
		expect(departments.length).toBeGreaterThan(0);
		const codes = await asService(db, townCodes);
		expect(villages.every((v) => codes.has(v.town_code) && v.code.startsWith(v.town_code))).toBe(true);
		expect((await asService(db, (tx) => villagesOf(tx, '110118101'))).length).toBeGreaterThan(0);
		expect(await asService(db, (tx) => villagesOf(tx, null))).toEqual([]);
	});

	it('reads the database once a minute, and again at once after a change here', async () => {
		forgetDistrict();
		expect((await counting(district)).statements).toBe(3);
		expect((await counting(district)).statements).toBe(0);
		const [first] = (await asService(db, district)).departments;
		await asService(db, (tx) => tx.query('update public.departments set name_en = $2 where code = $1', [first!.code, 'Renamed for the test']));
		forgetDistrict();
		expect((await asService(db, district)).departments.find((d) => d.code === first!.code)?.name_en).toBe('Renamed for the test');
		await asService(db, (tx) => tx.query('update public.departments set name_en = $2 where code = $1', [first!.code, first!.name_en]));
		forgetDistrict();
	});

	it('still names a retired department (reports were routed to it) and knows it exists, but offers it no more', async () => {
		forgetDistrict();
		const [first] = (await asService(db, district)).departments;
		await asService(db, (tx) => tx.query('update public.departments set active = false where code = $1', [first!.code]));
		forgetDistrict();
		try {
			const d = await asService(db, district);
			expect(d.departments.map((x) => x.code)).not.toContain(first!.code);
			expect(d.retired).toEqual([{ code: first!.code, name_zh: first!.name_zh, name_en: first!.name_en }]);
			const names = await asService(db, (tx) => nameOf(tx, 'en'));
			expect([names.get(first!.code), names.get('110118101')]).toEqual([first!.name_en, d.towns.find((t) => t.code === '110118101')!.name_en]);
			expect(await asService(db, (tx) => isDepartment(tx, first!.code))).toBe(true);
			expect(await asService(db, (tx) => isDepartment(tx, 'no_such_department'))).toBe(false);
		} finally {
			await asService(db, (tx) => tx.query('update public.departments set active = true where code = $1', [first!.code]));
			forgetDistrict();
		}
	});
});
