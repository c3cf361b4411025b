import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService } from '../db/caller';
import type { Database } from '../db/port';
import { messagesFor } from '../i18n';
import { codeSender } from '../messaging/sms/codes';
import { as, backends, sqlState } from '../testing/db';
import { CODE_ATTEMPTS, LIMITS, normalisePhone, requestCode, signOut, verifyCode, volunteerFromToken } from './sign-in';

describe('normalisePhone', () => {
	it('accepts mainland mobiles with +86 and separators, and nothing else', () => {
		expect(normalisePhone('+86 139-1234-5678')).toBe('13912345678');
		expect(normalisePhone('13912345678')).toBe('13912345678');
		expect(normalisePhone('12912345678')).toBeNull();
		expect(normalisePhone('010-69041234')).toBeNull();
		expect(normalisePhone('1391234567')).toBeNull();
		expect(normalisePhone('１３９ １２３４ ５６７８')).toBe('13912345678');
		expect(normalisePhone('＋８６１３９１２３４５６７８')).toBe('13912345678');
	});
});

// The embedded demo without a gateway: the outbox keeps the code (marked demo) for the console.
const catcher = codeSender(null, true, messagesFor);

describe.each(backends())('volunteer sign-in on $name', (backend) => {
	let db: Database;
	let phoneSeq = 0;
	const nextPhone = () => `1370000${String(++phoneSeq).padStart(4, '0')}`;
	/** The code as the demo outbox caught it — what the volunteer would read in the SMS. */
	const lastCode = async (phone: string) => {
		const [row] = await asService(db, (tx) =>
			tx.query<{ params: { code: string } }>(
				`select params from public.delivery_queue where address = $1 and template = 'sign_in_code' order by id desc limit 1`,
				[phone]
			)
		);
		return row!.params.code;
	};

	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('sends a 6-digit code to the outbox, stores only its hash, and signs the volunteer in', async () => {
		const phone = nextPhone();
		expect(await requestCode(db, catcher, phone, '10.0.0.1')).toEqual({ ok: true });
		const code = await lastCode(phone);
		expect(code).toMatch(/^[0-9]{6}$/);
		const stored = await asService(db, (tx) => tx.query<{ code_hash: string }>('select code_hash from app_private.volunteer_codes where phone = $1', [phone]));
		expect(stored[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify(stored)).not.toContain(code);

		const result = await verifyCode(db, phone, code);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.user).toMatchObject({ phone, name: null });
		expect(await volunteerFromToken(db, result.token)).toMatchObject({ userId: result.user.userId, phone });
		// The session is stored hashed: the token itself is nowhere in the database.
		const sessions = await asService(db, (tx) => tx.query('select * from app_private.volunteer_sessions'));
		expect(JSON.stringify(sessions)).not.toContain(result.token);

		// A code is single use.
		expect(await verifyCode(db, phone, code)).toEqual({ ok: false, reason: 'invalid' });
		// Sign-out ends the session at once.
		await signOut(db, result.token);
		expect(await volunteerFromToken(db, result.token)).toBeNull();
	});

	it('signs the same phone into the same volunteer next time', async () => {
		const phone = nextPhone();
		await requestCode(db, catcher, phone, '10.0.0.2');
		const first = await verifyCode(db, phone, await lastCode(phone));
		await asService(db, (tx) => tx.query(`update app_private.volunteer_codes set created_at = created_at - interval '2 minutes' where phone = $1`, [phone]));
		await requestCode(db, catcher, phone, '10.0.0.2');
		const second = await verifyCode(db, phone, await lastCode(phone));
		expect(first.ok && second.ok && first.user.userId === second.user.userId).toBe(true);
	});

	it(`locks a code after ${CODE_ATTEMPTS} wrong attempts, even if the right one comes next`, async () => {
		const phone = nextPhone();
		await requestCode(db, catcher, phone, '10.0.0.3');
		const code = await lastCode(phone);
		const wrong = code === '000000' ? '111111' : '000000';
		for (let i = 1; i < CODE_ATTEMPTS; i++) expect(await verifyCode(db, phone, wrong)).toEqual({ ok: false, reason: 'invalid' });
		expect(await verifyCode(db, phone, wrong)).toEqual({ ok: false, reason: 'attempts' });
		expect(await verifyCode(db, phone, code)).toEqual({ ok: false, reason: 'attempts' });
	});

	it('refuses an expired code', async () => {
		const phone = nextPhone();
		await requestCode(db, catcher, phone, '10.0.0.4');
		await asService(db, (tx) => tx.query(`update app_private.volunteer_codes set expires_at = now() - interval '1 second' where phone = $1`, [phone]));
		expect(await verifyCode(db, phone, await lastCode(phone))).toEqual({ ok: false, reason: 'expired' });
	});

	it('limits code requests per phone and per client address', async () => {
		const phone = nextPhone();
		expect((await requestCode(db, catcher, phone, '10.0.0.5')).ok).toBe(true);
		const again = await requestCode(db, catcher, phone, '10.0.0.6');
		expect(again.ok).toBe(false);
		expect(!again.ok && again.retryAfterSeconds).toBeGreaterThan(0);
		expect(!again.ok && again.retryAfterSeconds).toBeLessThanOrEqual(LIMITS.phoneGapSeconds);

		// Spread over the hour, a phone still gets only five.
		for (let i = 1; i < LIMITS.phonePerHour; i++) {
			await asService(db, (tx) => tx.query(`update app_private.volunteer_codes set created_at = created_at - interval '61 seconds' where phone = $1`, [phone]));
			expect((await requestCode(db, catcher, phone, '10.0.0.5')).ok).toBe(true);
		}
		await asService(db, (tx) => tx.query(`update app_private.volunteer_codes set created_at = created_at - interval '61 seconds' where phone = $1`, [phone]));
		expect((await requestCode(db, catcher, phone, '10.0.0.5')).ok).toBe(false);

		// One address asking for many phones is stopped too.
		const address = '10.9.9.9';
		for (let i = 0; i < LIMITS.addressPerHour; i++) expect((await requestCode(db, catcher, nextPhone(), address)).ok).toBe(true);
		expect((await requestCode(db, catcher, nextPhone(), address)).ok).toBe(false);
	});

	it('keeps codes, sessions and the outbox from anonymous callers and volunteers', async () => {
		const phone = nextPhone();
		await requestCode(db, catcher, phone, '10.0.0.7');
		const result = await verifyCode(db, phone, await lastCode(phone));
		if (!result.ok) throw new Error('sign-in failed');
		const volunteer = { role: 'authenticated' as const, sub: result.user.userId };
		for (const claims of [ANON_CLAIMS, volunteer]) {
			expect(await sqlState(as(db, claims, (tx) => tx.query('select * from app_private.volunteer_codes')))).toBe('42501');
			expect(await sqlState(as(db, claims, (tx) => tx.query('select * from app_private.volunteer_sessions')))).toBe('42501');
		}
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query('select * from public.delivery_queue')))).toBe('42501');
		expect(await as(db, volunteer, (tx) => tx.query('select * from public.delivery_queue'))).toEqual([]);
		// A volunteer is not staff.
		const [who] = await as(db, volunteer, (tx) => tx.query<{ role: string | null; admin: boolean }>('select app.caller_role() as role, app.is_admin() as admin'));
		expect(who).toEqual({ role: null, admin: false });
	});
});
