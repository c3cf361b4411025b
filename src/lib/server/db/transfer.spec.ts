/**
 * Moving the embedded database to PostgreSQL (README: "Moving to PostgreSQL"): the rows
 * dumped from PGlite load into a migrated PostgreSQL, every table alike, sequences go
 * on from where they were, and nothing is issued or sent a second time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from './caller';
import type { Database } from './port';
import { DATA_SCHEMAS, loadData } from './transfer';
import { backends } from '../testing/db';
import { issueOver } from '../messaging/testing/fanout-fixture';

const [pglite, postgres] = backends();

async function counts(db: Database): Promise<Record<string, number>> {
	const tables = await db.query<{ name: string }>(
		`select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = any($1::text[]) order by 1`,
		[DATA_SCHEMAS]
	);
	const result: Record<string, number> = {};
	for (const { name } of tables) result[name] = (await db.query<{ n: number }>(`select count(*)::int as n from ${name}`))[0]!.n;
	return result;
}

describe.skipIf(!postgres)('embedded → PostgreSQL', () => {
	let from: Database;
	let to: Database;
	beforeAll(async () => {
		[from, to] = await Promise.all([pglite!.open(), postgres!.open()]);
	}, 120_000);
	afterAll(async () => {
		await from?.close();
		await to?.close();
	});

	it('copies every row; the copy works on, and nothing issued is sent again', async () => {
		const issued = await issueOver(from, [40.3, 116.8, 40.35, 116.85]);
		await from.exec(`insert into public.subscriptions (id, secret_hash, channel, phone, confirmed, lang) values (gen_random_uuid(), repeat('0', 64), 'sms', '13900000001', true, 'en')`);
		const dump = await from.dumpData!();
		expect(dump).toContain('INSERT INTO public.warnings');

		const before = await counts(from);
		expect(before['public.warnings']).toBeGreaterThan(0);
		const { tables } = await loadData(to, dump);
		expect(tables).toBe(Object.keys(before).length);
		expect(await counts(to)).toEqual(before);
		const [same] = await to.query<{ state: string }>('select state::text from public.warnings where id = $1', [issued]);
		expect(same).toEqual({ state: 'issued' });

		// The copy goes on: a new warning (sequences, triggers, delivery) as on any database.
		const next = await issueOver(to, [40.3, 116.8, 40.35, 116.85]);
		const deliveries = await asService(to, (tx) => tx.query<{ warning_id: string }>('select warning_id from public.deliveries'));
		expect(deliveries.map((d) => d.warning_id).filter((id) => id === issued)).toHaveLength(1);
		expect(deliveries.map((d) => d.warning_id)).toContain(next);
	}, 120_000);
});
