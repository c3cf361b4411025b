import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/db';
import type { Database } from './port';

describe.each(backends())('the database port on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
		await db.exec('create table public.port_test (n int primary key)');
	});
	afterAll(async () => {
		await db?.close();
	});

	it('commits a transaction that resolves and rolls back one that throws', async () => {
		await db.transaction((tx) => tx.query('insert into public.port_test values (1)'));
		await expect(
			db.transaction(async (tx) => {
				await tx.query('insert into public.port_test values (2)');
				throw new Error('changed my mind');
			})
		).rejects.toThrow('changed my mind');
		expect(await db.query('select n from public.port_test order by n')).toEqual([{ n: 1 }]);
	});

	it('keeps concurrent transactions apart (PGlite has one connection)', async () => {
		// Each transaction reads a value and writes it back + 1; interleaving would lose updates.
		await db.exec('create table public.port_counter (v int); insert into public.port_counter values (0);');
		await Promise.all(
			Array.from({ length: 20 }, () =>
				db.transaction(async (tx) => {
					const [row] = await tx.query<{ v: number }>('select v from public.port_counter for update');
					await new Promise((r) => setTimeout(r, 1));
					await tx.query('update public.port_counter set v = $1', [row!.v + 1]);
				})
			)
		);
		expect(await db.query('select v from public.port_counter')).toEqual([{ v: 20 }]);
	});

	it('delivers NOTIFY payloads to a listener until it stops', async () => {
		const got: string[] = [];
		const stop = await db.listen('port_test_channel', (payload) => got.push(payload));
		await db.query(`select pg_notify('port_test_channel', 'first')`);
		await db.transaction((tx) => tx.query(`select pg_notify('port_test_channel', '第二')`));
		await expect.poll(() => got).toEqual(['first', '第二']);
		await stop();
		await db.query(`select pg_notify('port_test_channel', 'after')`);
		await new Promise((r) => setTimeout(r, 200));
		expect(got).toEqual(['first', '第二']);
	});

	it('returns counts as numbers and dates as ISO strings on both backends', async () => {
		const [row] = await db.query<{ c: number; d: string; t: Date }>(
			`select count(*) as c, date '2026-07-27' as d, timestamptz '2026-07-27 08:00+08' as t from public.port_test`
		);
		expect(row).toEqual({ c: 1, d: '2026-07-27', t: new Date('2026-07-27T00:00:00Z') });
	});
});
