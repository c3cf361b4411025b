/**
 * The SMS code limits of warning sign-ups, on a real database (public.sms_code_wait). An
 * outside tester's first code for a new number was refused for 53 minutes: three sign-ups
 * from one carrier address (CGNAT: a whole village) had spent an hourly budget per address.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService } from './db/caller';
import type { Database } from './db/port';
import { as, backends, sqlState } from './testing/db';
import { codeClientKey, SMS_CODE_LIMITS, smsCodeWait } from './sms-code-limits';

describe.each(backends())('SMS code limits on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});
	beforeEach(async () => {
		await asService(db, (tx) => tx.query('delete from public.sms_code_requests'));
	});
	const number = (i: number) => `139${String(i).padStart(8, '0')}`;

	it('a new number behind a busy carrier address gets its code', async () => {
		for (let i = 0; i < 10; i++) expect(await smsCodeWait(db, number(i), '100.64.0.1'), `sign-up ${i + 1}`).toBe(0);
		// The tester's case: a first code for a new number, from the same address.
		expect(await smsCodeWait(db, '138 0013 8000', '100.64.0.1')).toBe(0);
	});

	it('per number: one a minute, three an hour (written any way), whatever the address', async () => {
		expect(await smsCodeWait(db, '13900000001', '10.0.0.1')).toBe(0);
		const soon = await smsCodeWait(db, '+86 139 0000 0001', '10.0.0.2');
		expect(soon).toBeGreaterThan(0);
		expect(soon).toBeLessThanOrEqual(SMS_CODE_LIMITS.numberGapSeconds);
		// Two more, a minute apart (backdated), then the hour's budget is spent.
		await asService(db, (tx) => tx.query(`update public.sms_code_requests set at = now() - interval '10 minutes'`));
		expect(await smsCodeWait(db, '13900000001', '10.0.0.3')).toBe(0);
		await asService(db, (tx) => tx.query(`update public.sms_code_requests set at = at - interval '2 minutes'`));
		expect(await smsCodeWait(db, '0086 13900000001', '10.0.0.4')).toBe(0);
		await asService(db, (tx) => tx.query(`update public.sms_code_requests set at = at - interval '2 minutes'`));
		const hour = await smsCodeWait(db, '13900000001', '10.0.0.5');
		expect(hour).toBeGreaterThan(SMS_CODE_LIMITS.numberGapSeconds);
		expect(hour).toBeLessThanOrEqual(3600);
		expect(await smsCodeWait(db, '13900000002', '10.0.0.5')).toBe(0);
	});

	it('per address: 60 an hour, then the address waits; another address does not', async () => {
		await asService(db, (tx) =>
			tx.query(`insert into public.sms_code_requests (number, client, at) select md5(i::text), $1, now() - interval '30 minutes' from generate_series(1, $2::int) i`, [
				codeClientKey('100.64.0.9'),
				SMS_CODE_LIMITS.perAddressPerHour
			])
		);
		const wait = await smsCodeWait(db, number(500), '100.64.0.9');
		expect(wait).toBeGreaterThan(1700);
		expect(wait).toBeLessThanOrEqual(1800);
		expect(await smsCodeWait(db, number(500), '100.64.0.10')).toBe(0);
	});

	it('district-wide: 2,000 an hour, then everyone waits', async () => {
		await asService(db, (tx) =>
			tx.query(`insert into public.sms_code_requests (number, client, at) select md5(i::text), md5((i % 500)::text), now() - interval '10 minutes' from generate_series(1, $1::int) i`, [
				SMS_CODE_LIMITS.districtPerHour
			])
		);
		expect(await smsCodeWait(db, number(900), '10.1.1.1')).toBeGreaterThan(2900);
	});

	it('anon can neither spend the budget nor read who asked', async () => {
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(`select public.sms_code_wait('13900000001', 'x')`)))).toBe('42501');
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('select * from public.sms_code_requests')))).toBe('42501');
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(`insert into public.sms_code_requests (number, client) values ('a', 'b')`)))).toBe('42501');
	});
});
