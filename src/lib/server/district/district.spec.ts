/**
 * The district's reference data, read once and kept: every township and village with
 * its names, the active departments; a second read within the minute asks the database
 * nothing, and a change made here is seen at once after forgetDistrict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { backends } from '../testing/db';
import { district, forgetDistrict, townCodes, villagesOf } from '.';

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
});
