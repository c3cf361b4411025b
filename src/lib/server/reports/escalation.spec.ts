/**
 * Overdue reports tell somebody: each escalation texts the dispatchers on duty once —
 * the district desk, and the township's own dispatchers for its reports, nobody else —
 * and the console badge counts the overdue reports each person sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { addStaff } from '../staff';
import { as, backends, sqlState } from '../testing/db';
import { escalateOverdue, overdueCount } from './sla';

describe.each(backends())('escalation notices on $name', (backend) => {
	let db: Database;
	const who: Record<string, Claims> = {};

	beforeAll(async () => {
		db = await backend.open();
		const people: [string, string, { departmentCode?: string; townCode?: string }, string | null, boolean][] = [
			['desk', 'dispatcher', { departmentCode: 'emergency' }, '13700000001', true],
			['deskOff', 'dispatcher', { departmentCode: 'emergency' }, '13700000002', false],
			['town', 'dispatcher', { townCode: '110118101' }, '13700000003', true],
			['otherTown', 'dispatcher', { townCode: '110118102' }, '13700000004', true],
			['handler', 'handler', { departmentCode: 'water' }, '13700000005', true]
		];
		for (const [name, role, unit, phone, onDuty] of people) {
			const { userId } = await addStaff(db, { email: `${name.toLowerCase()}@duty.test`, password: 'correct horse battery', role, ...unit });
			who[name] = { role: 'authenticated', sub: userId };
			// Each sets their own duty phone and status.
			await as(db, who[name]!, (tx) => tx.query('select public.staff_set_duty($1, $2)', [phone, onDuty]));
		}
	});
	afterAll(async () => {
		await db?.close();
	});

	const texts = () =>
		asService(db, (tx) =>
			tx.query<{ recipient: string; ticket: string }>(
				`select address as recipient, params ->> 'ticket' as ticket from public.delivery_queue where template = 'report_overdue' order by address`
			)
		);

	it('texts the desk and the own township once per escalation, and counts it on their badge', async () => {
		await asService(db, (tx) =>
			tx.query(
				`insert into public.reports (ticket, token_hash, category, description, town_code, status, dispatch_due_at, created_at)
				 values ('MY-20260101-0001', repeat('c', 64), 'flood_water', 'Water over the road', '110118101', 'received', now() - interval '1 minute', now() - interval '3 hours')`
			)
		);
		expect(await asService(db, (tx) => escalateOverdue(tx))).toHaveLength(1);
		expect(await texts()).toEqual([
			{ recipient: '13700000001', ticket: 'MY-20260101-0001' },
			{ recipient: '13700000003', ticket: 'MY-20260101-0001' }
		]);
		// The next tick finds nothing new: no second text for the same escalation.
		expect(await asService(db, (tx) => escalateOverdue(tx))).toEqual([]);
		expect(await texts()).toHaveLength(2);
		// Through the "staff on duty" resolver: each text names its staff member, not only a number.
		const typed = await asService(db, (tx) =>
			tx.query<{ kind: string; id: string }>(
				`select recipient_kind as kind, recipient_id as id from public.delivery_queue where template = 'report_overdue' order by address`
			)
		);
		expect(typed).toEqual([
			{ kind: 'staff', id: who.desk!.sub },
			{ kind: 'staff', id: who.town!.sub }
		]);

		expect(await as(db, who.desk!, overdueCount)).toBe(1);
		expect(await as(db, who.town!, overdueCount)).toBe(1);
		expect(await as(db, who.otherTown!, overdueCount)).toBe(0);
	});

	it('staff change only their own duty settings; anonymous callers none', async () => {
		expect(await as(db, who.town!, (tx) => tx.query(`update public.staff set on_duty = false where user_id <> auth.uid() returning user_id`))).toEqual([]);
		expect(await as(db, who.town!, (tx) => tx.query(`update public.staff set on_duty = false where user_id = auth.uid() returning user_id`))).toEqual([]);
		expect(await sqlState(as(db, { role: 'anon' }, (tx) => tx.query(`select public.staff_set_duty('13700000009', true)`)))).toBe('42501');
	});

	it('nobody but the service sends duty texts or lists who is on duty', async () => {
		expect(await sqlState(as(db, who.desk!, (tx) => tx.query('select app.report_escalation_notify(1)')))).toBe('42501');
		expect(await sqlState(as(db, who.desk!, (tx) => tx.query(`select * from app.staff_on_duty('110118101')`)))).toBe('42501');
		expect(await sqlState(as(db, { role: 'anon' }, (tx) => tx.query(`select * from app.staff_on_duty(null)`)))).toBe('42501');
	});

	it('the "staff on duty" resolver: the desk for a report with no township, both for a township, one row per phone', async () => {
		const onDuty = (town: string | null) =>
			asService(db, (tx) => tx.query<{ phone: string }>('select phone from app.staff_on_duty($1) order by phone', [town]));
		expect(await onDuty(null)).toEqual([{ phone: '13700000001' }]);
		expect(await onDuty('110118102')).toEqual([{ phone: '13700000001' }, { phone: '13700000004' }]);
	});
});
