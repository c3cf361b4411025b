import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { addStaff, InputError } from '../staff';
import { backends } from '../testing/db';
import { createApiKey, findApiKey } from './api-keys';
import { resolveIdentity } from './identity';
import { createIssuer } from './issuer';
import { LOCKOUT } from './lockout';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe.each(backends())('built-in issuer on $name', (backend) => {
	let db: Database;
	let issuer: ReturnType<typeof createIssuer>;
	const identify = (credentials: { bearer?: string; sessionToken?: string }) =>
		resolveIdentity(db, issuer.verify, true, { bearer: credentials.bearer ?? null, sessionToken: credentials.sessionToken ?? null });

	beforeAll(async () => {
		db = await backend.open();
		issuer = createIssuer(db, SECRET, 12);
		await addStaff(db, { email: 'Issuer@Test.cn', password: 'correct horse battery', role: 'warning_issuer', departmentCode: 'meteorology' });
	});
	afterAll(async () => {
		await db?.close();
	});

	it('refuses bad staff input, naming the field, and writes nothing', async () => {
		const cases: [Parameters<typeof addStaff>[1], string][] = [
			[{ email: 'nope', password: 'correct horse battery', role: 'handler', departmentCode: 'water' }, 'email'],
			[{ email: 'a@b.cn', password: 'short', role: 'handler', departmentCode: 'water' }, 'password'],
			[{ email: 'a@b.cn', password: 'correct horse battery', role: 'boss', departmentCode: 'water' }, 'role'],
			[{ email: 'a@b.cn', password: 'correct horse battery', role: 'handler' }, 'unit'],
			[{ email: 'a@b.cn', password: 'correct horse battery', role: 'handler', departmentCode: 'water', townCode: '110118101' }, 'unit'],
			[{ email: 'a@b.cn', password: 'correct horse battery', role: 'handler', departmentCode: 'nonexistent' }, 'department'],
			[{ email: 'a@b.cn', password: 'correct horse battery', role: 'handler', townCode: '110118999' }, 'town'],
			[{ email: 'issuer@test.cn', password: 'correct horse battery', role: 'handler', departmentCode: 'water' }, 'email']
		];
		for (const [input, field] of cases) {
			const error = await addStaff(db, input).catch((e: unknown) => e);
			expect(error, JSON.stringify(input)).toBeInstanceOf(InputError);
			expect((error as InputError).field).toBe(field);
		}
		const [row] = await asService(db, (tx) => tx.query<{ n: number }>(`select count(*)::int as n from auth.users where email = 'a@b.cn'`));
		expect(row!.n).toBe(0);
	});

	it('signs in with the right password (any case of e-mail) and the token identifies the staff member', async () => {
		const result = await issuer.signIn('issuer@TEST.cn', 'correct horse battery', '192.0.2.1', 'test');
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const who = await identify({ sessionToken: result.token });
		expect(who).toMatchObject({ kind: 'staff', email: 'issuer@test.cn', role: 'warning_issuer', departmentCode: 'meteorology' });
	});

	it('answers a wrong password and an unknown e-mail the same way', async () => {
		expect(await issuer.signIn('issuer@test.cn', 'wrong password!', '192.0.2.2', 'test')).toEqual({ ok: false, reason: 'invalid' });
		expect(await issuer.signIn('nobody@test.cn', 'wrong password!', '192.0.2.2', 'test')).toEqual({ ok: false, reason: 'invalid' });
	});

	it('locks an e-mail after repeated failures from one address — even one with no account — and then refuses the right password there too', async () => {
		for (let i = 0; i < LOCKOUT.pairThreshold; i++) {
			await issuer.signIn('ghost@test.cn', 'guess ' + i, '192.0.2.3', 'test');
		}
		const ghost = await issuer.signIn('ghost@test.cn', 'guess', '192.0.2.3', 'test');
		expect(ghost).toMatchObject({ ok: false, reason: 'locked' });

		await addStaff(db, { email: 'target@test.cn', password: 'correct horse battery', role: 'handler', departmentCode: 'water' });
		for (let i = 0; i < LOCKOUT.pairThreshold; i++) await issuer.signIn('target@test.cn', 'guess ' + i, '192.0.2.5', 'test');
		const locked = await issuer.signIn('target@test.cn', 'correct horse battery', '192.0.2.5', 'test');
		expect(locked).toMatchObject({ ok: false, reason: 'locked' });
		expect(locked.ok === false && locked.reason === 'locked' && locked.retryAfterSeconds).toBeGreaterThan(0);
	});

	it('an attacker’s failures do not lock the account out from the admin’s address', async () => {
		await addStaff(db, { email: 'chief@test.cn', password: 'correct horse battery', role: 'admin', departmentCode: 'emergency' });
		for (let i = 0; i < LOCKOUT.pairThreshold + 3; i++) await issuer.signIn('chief@test.cn', 'guess ' + i, '198.51.100.66', 'attacker');
		expect(await issuer.signIn('chief@test.cn', 'correct horse battery', '198.51.100.66', 'attacker')).toMatchObject({ reason: 'locked' });
		expect((await issuer.signIn('chief@test.cn', 'correct horse battery', '192.0.2.77', 'admin')).ok).toBe(true);
	});

	it('a distributed guess gets a slower account-wide back-off, capped, that never locks an address the account has used', async () => {
		await addStaff(db, { email: 'boss@test.cn', password: 'correct horse battery', role: 'admin', departmentCode: 'emergency' });
		// The admin's office: signed in from there before.
		expect((await issuer.signIn('boss@test.cn', 'correct horse battery', '192.0.2.10', 'admin')).ok).toBe(true);
		// Many addresses, each below its own threshold, together past the account's.
		for (let i = 0; i < LOCKOUT.accountThreshold + 12; i++) await issuer.signIn('boss@test.cn', 'guess ' + i, `203.0.113.${i + 1}`, 'bot');
		const fromNew = await issuer.signIn('boss@test.cn', 'correct horse battery', '203.0.113.200', 'admin on the road');
		expect(fromNew).toMatchObject({ ok: false, reason: 'locked' });
		expect(fromNew.ok === false && fromNew.reason === 'locked' && fromNew.retryAfterSeconds).toBeLessThanOrEqual(LOCKOUT.accountMaxLockSeconds);
		// 12 failures past the threshold: doubled twice (every 5), not twelve times.
		expect(fromNew.ok === false && fromNew.reason === 'locked' && fromNew.retryAfterSeconds).toBeLessThanOrEqual(LOCKOUT.firstLockSeconds * 4);
		expect((await issuer.signIn('boss@test.cn', 'correct horse battery', '192.0.2.10', 'admin')).ok).toBe(true);
	});

	it('ends the session on sign-out: the same token no longer identifies anyone', async () => {
		const result = await issuer.signIn('issuer@test.cn', 'correct horse battery', '192.0.2.7', 'test');
		if (!result.ok) throw new Error('sign-in failed');
		const who = await identify({ sessionToken: result.token });
		if (who === 'invalid' || who.kind !== 'staff') throw new Error('not staff');
		await issuer.signOut(who.sessionId!);
		expect(await identify({ sessionToken: result.token })).toEqual({ kind: 'anon' });
		expect(await identify({ bearer: result.token })).toBe('invalid');
	});

	it('rejects a token signed with another secret, or tampered with', async () => {
		const other = createIssuer(db, 'another-secret-that-is-long-enough-987654321', 12);
		const result = await other.signIn('issuer@test.cn', 'correct horse battery', '192.0.2.8', 'test');
		if (!result.ok) throw new Error('sign-in failed');
		expect(await identify({ sessionToken: result.token })).toEqual({ kind: 'anon' });
		const [h, p, s] = result.token.split('.');
		expect(await identify({ bearer: `${h}.${p}.${s!.slice(0, -2)}xx` })).toBe('invalid');
	});

	it('a deactivated staff member’s token stops working', async () => {
		await addStaff(db, { email: 'leaver@test.cn', password: 'correct horse battery', role: 'handler', departmentCode: 'water' });
		const result = await issuer.signIn('leaver@test.cn', 'correct horse battery', '192.0.2.9', 'test');
		if (!result.ok) throw new Error('sign-in failed');
		await asService(db, (tx) => tx.query(`update public.staff set active = false where email = 'leaver@test.cn'`));
		expect(await identify({ sessionToken: result.token })).toEqual({ kind: 'anon' });
		expect(await issuer.signIn('leaver@test.cn', 'correct horse battery', '192.0.2.9', 'test')).toEqual({ ok: false, reason: 'invalid' });
	});

	it('API keys: stored hashed, identify their client, stop at revocation', async () => {
		const key = await createApiKey(db, 'cap-feed', 'warning_issuer');
		expect(key).toMatch(/^smk_[A-Za-z0-9_-]{43}$/);
		const [stored] = await asService(db, (tx) => tx.query<{ key_hash: string; prefix: string }>(`select key_hash, prefix from public.api_keys where name = 'cap-feed'`));
		expect(stored!.key_hash).not.toContain(key.slice(4));
		expect(key.startsWith(stored!.prefix)).toBe(true);
		expect(await identify({ bearer: key })).toMatchObject({ kind: 'apikey', name: 'cap-feed', role: 'warning_issuer' });
		expect(await identify({ bearer: key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A') })).toBe('invalid');
		await asService(db, (tx) => tx.query(`update public.api_keys set revoked_at = now() where name = 'cap-feed'`));
		expect(await findApiKey(db, key)).toBeNull();
		expect(await identify({ bearer: key })).toBe('invalid');
	});
});

describe.each(backends())('Supabase-mode staff profiles on $name', (backend) => {
	it('link an existing auth user to a staff profile, and refuse an unknown one', async () => {
		const db = await backend.open();
		try {
			const { linkStaff } = await import('../staff');
			await asService(db, (tx) => tx.query(`insert into auth.users (email) values ('gotrue-user@test.cn')`));
			const { userId } = await linkStaff(db, { email: 'GoTrue-User@test.cn', role: 'dispatcher', townCode: '110118111' });
			const [row] = await asService(db, (tx) => tx.query<{ role: string }>('select role from public.staff where user_id = $1', [userId]));
			expect(row!.role).toBe('dispatcher');
			await expect(linkStaff(db, { email: 'nobody@test.cn', role: 'dispatcher', townCode: '110118111' })).rejects.toThrow(
				/no Supabase Auth user nobody@test.cn/
			);
			await expect(linkStaff(db, { email: 'gotrue-user@test.cn', role: 'admin', departmentCode: 'water' })).rejects.toThrow(/is staff already/);
		} finally {
			await db.close();
		}
	});
});
