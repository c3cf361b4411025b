/**
 * Retention: what is past its documented period is deleted or erased, and what is not
 * yet is kept (the periods are in app.prune_personal_data and docs/security.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService } from './db/caller';
import type { Database } from './db/port';
import { prunePersonalData } from './retention';
import { as, backends, sqlState } from './testing/db';

describe.each(backends())('retention on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('prunes SMS texts and report updates, codes, sessions and report texts past their periods, and nothing newer', async () => {
		const ids = await asService(db, async (tx) => {
			await tx.query(`insert into public.delivery_queue (channel, recipient_kind, address, template, params, created_at) values
				('sms', 'phone', '13500000001', 'text', '{"text":"old"}', now() - interval '31 days'),
				('sms', 'phone', '13500000002', 'text', '{"text":"new"}', now() - interval '29 days')`);
			await tx.query(`insert into app_private.volunteer_codes (phone, address, code_hash, created_at, expires_at) values
				('13500000001', '10.0.0.1', repeat('a', 64), now() - interval '25 hours', now() - interval '25 hours'),
				('13500000002', '10.0.0.2', repeat('b', 64), now() - interval '23 hours', now() - interval '23 hours')`);
			const [user] = await tx.query<{ id: string }>(`insert into auth.users default values returning id`);
			await tx.query(
				`insert into app_private.sessions (user_id, expires_at, revoked_at, ip, user_agent) values
				  ($1, now() - interval '31 days', null, '10.0.0.1', 'old'),
				  ($1, now() + interval '1 day', now() - interval '31 days', '10.0.0.1', 'revoked long ago'),
				  ($1, now() - interval '29 days', null, '10.0.0.2', 'recent')`,
				[user!.id]
			);
			const report = async (closedDaysAgo: number, key: string) => {
				const [r] = await tx.query<{ id: number }>(
					`insert into public.reports (ticket, token_hash, category, description, town_code, address, location, status, dispatch_due_at, closed_at, department_code, created_at)
					 values ($1, $2, (select code from public.report_categories limit 1), 'A fallen tree at Mr Wang''s house', '110118101', 'No. 5 Lane 3',
					   extensions.st_setsrid(extensions.st_makepoint(116.84123, 40.37789), 4326), 'closed', now(), now() - make_interval(days => $3), 'emergency', now() - make_interval(days => $3 + 1))
					 returning id`,
					[`MY-20250101-${key}`, key.repeat(16), closedDaysAgo]
				);
				await tx.query(`insert into public.report_photos (report_id, stage, content_type, bytes, width, height) values ($1, 'report', 'image/jpeg', '\\xffd8ff'::bytea, 1, 1)`, [r!.id]);
				return r!.id;
			};
			return { old: await report(366, '0001'), recent: await report(300, '0002') };
		});

		const pruned = await prunePersonalData(db);
		expect(pruned).toMatchObject({ messages: 1, volunteer_codes: 1, sessions: 2, report_texts: 1 });

		const state = await asService(db, async (tx) => ({
			outbox: (await tx.query<{ address: string }>('select address from public.delivery_queue where template is not null')).map((r) => r.address),
			codes: (await tx.query<{ phone: string }>('select phone from app_private.volunteer_codes')).map((r) => r.phone),
			sessions: (await tx.query<{ user_agent: string }>('select user_agent from app_private.sessions')).map((r) => r.user_agent),
			reports: await tx.query<{ id: number; description: string; address: string | null; lon: number; photo: boolean }>(
				`select r.id, r.description, r.address, round(extensions.st_x(r.location)::numeric, 6)::float8 as lon,
				        exists (select from public.report_photos p where p.report_id = r.id and p.bytes is not null) as photo
				   from public.reports r where r.id = any($1::bigint[]) order by r.id`,
				[[ids.old, ids.recent]]
			)
		}));
		expect(state.outbox).toEqual(['13500000002']);
		expect(state.codes).toEqual(['13500000002']);
		expect(state.sessions).toEqual(['recent']);
		expect(state.reports).toEqual([
			{ id: ids.old, description: '[erased]', address: null, lon: 116.841, photo: false },
			{ id: ids.recent, description: "A fallen tree at Mr Wang's house", address: 'No. 5 Lane 3', lon: 116.84123, photo: true }
		]);
		// A second run finds nothing more to do.
		expect(await prunePersonalData(db)).toMatchObject({ messages: 0, volunteer_codes: 0, sessions: 0, report_texts: 0 });
	});

	it('only the service runs the pruning', async () => {
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('select * from app.prune_personal_data()')))).toBe('42501');
	});
});
