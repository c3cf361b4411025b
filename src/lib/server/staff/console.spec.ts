/**
 * Staff from the console (outside tester, 2026-12-05): an admin adds a person — account
 * and profile together — changes roles and switches accounts off; nobody else can, also
 * not by calling the database directly (Supabase REST reaches it without this server); an
 * admin cannot demote or switch off themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/passwords';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import { createStaff, InputError, listStaff, updateStaff } from '.';

// The PostgreSQL test database outlives a run.
const RUN = Date.now().toString(36);
const PASSWORD = 'a first password 123';

describe.each(backends())('staff from the console on $name', (backend) => {
	let db: Database;
	let admin: Claims;
	let issuer: Claims;

	beforeAll(async () => {
		db = await backend.open();
		admin = await staffClaims(db, `admin-${RUN}@staff-console.test`, 'admin');
		issuer = await staffClaims(db, `issuer-${RUN}@staff-console.test`, 'warning_issuer');
	}, 120_000);
	afterAll(() => db?.close());

	const account = (email: string) =>
		asService(db, (tx) => tx.query<{ encrypted_password: string }>('select encrypted_password from auth.users where email = $1', [email]));
	const profile = (email: string) => asService(db, (tx) => tx.query<{ role: string; active: boolean }>('select role, active from public.staff where email = $1', [email]));

	it('lets an admin add a warning issuer who can then sign in with the password given', async () => {
		const email = `Second-${RUN}@Staff-Console.test`;
		const { userId } = await as(db, admin, (tx) =>
			createStaff(tx, { email, displayName: '第二签发人', role: 'warning_issuer', departmentCode: 'emergency', password: PASSWORD })
		);
		expect(userId).toMatch(/^[0-9a-f-]{36}$/);
		const [made] = await account(email.toLowerCase());
		expect(await verifyPassword(made!.encrypted_password, PASSWORD)).toBe(true);
		expect(await profile(email.toLowerCase())).toEqual([{ role: 'warning_issuer', active: true }]);
		expect((await as(db, admin, listStaff)).map((s) => s.email)).toContain(email.toLowerCase());
	});

	it('refuses by field, writing nothing: an address taken, a name too long or turned around, a short password, a township that does not exist', async () => {
		const taken = await as(db, admin, (tx) => createStaff(tx, { email: `issuer-${RUN}@staff-console.test`, role: 'handler', departmentCode: 'water', password: PASSWORD })).catch((e: unknown) => e);
		expect(taken).toBeInstanceOf(InputError);
		expect((taken as InputError).field).toBe('email');
		for (const [input, field] of [
			[{ displayName: '名'.repeat(81) }, 'name'],
			[{ displayName: 'Eve \u202Elive' }, 'name'],
			[{ password: 'short' }, 'password'],
			[{ townCode: '110118999', departmentCode: null }, 'town']
		] as const) {
			const email = `refused-${field}-${RUN}@staff-console.test`;
			const base = { email, role: 'handler', departmentCode: 'water' as string | null, password: PASSWORD, displayName: null as string | null };
			const refused = await as(db, admin, (tx) => createStaff(tx, { ...base, ...input })).catch((e: unknown) => e);
			expect((refused as InputError).field).toBe(field);
			expect(await account(email)).toEqual([]);
		}
	});

	it('refuses anyone but an admin, through the app and through the database directly', async () => {
		const email = `sneaky-${RUN}@staff-console.test`;
		expect(await sqlState(as(db, issuer, (tx) => createStaff(tx, { email, role: 'admin', departmentCode: 'emergency', password: PASSWORD })))).toBe('42501');
		const call = `select public.staff_add($1, 'x', 'admin', 'emergency', null, null)`;
		expect(await sqlState(as(db, issuer, (tx) => tx.query(call, [email])))).toBe('42501');
		expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(call, [email])))).toBe('42501');
		// nor around the function: the account table, or a profile of one's own making
		expect(await sqlState(as(db, issuer, (tx) => tx.query(`insert into auth.users (email) values ($1)`, [email])))).toBe('42501');
		expect(await as(db, issuer, (tx) => tx.query(`update public.staff set role = 'admin' where email = $1 returning 1`, [`issuer-${RUN}@staff-console.test`]))).toEqual([]);
		expect(await account(email)).toEqual([]);
		expect(await profile(`issuer-${RUN}@staff-console.test`)).toEqual([{ role: 'warning_issuer', active: true }]);
	});

	it('lets an admin change a role and switch an account off, but not their own', async () => {
		const other = await staffClaims(db, `other-${RUN}@staff-console.test`, 'handler');
		expect(await as(db, admin, (tx) => updateStaff(tx, other.sub!, { role: 'dispatcher', active: false }))).toBe(true);
		expect(await profile(`other-${RUN}@staff-console.test`)).toEqual([{ role: 'dispatcher', active: false }]);
		for (const change of [{ role: 'handler', active: true }, { role: 'admin', active: false }]) {
			const refused = await as(db, admin, (tx) => updateStaff(tx, admin.sub!, change)).catch((e: unknown) => e);
			expect(refused).toBeInstanceOf(InputError);
			expect((refused as InputError).field).toBe('role');
		}
		expect(await profile(`admin-${RUN}@staff-console.test`)).toEqual([{ role: 'admin', active: true }]);
		// another admin may
		const second = await staffClaims(db, `admin2-${RUN}@staff-console.test`, 'admin');
		expect(await as(db, second, (tx) => updateStaff(tx, admin.sub!, { role: 'admin', active: false }))).toBe(true);
		await as(db, second, (tx) => updateStaff(tx, admin.sub!, { role: 'admin', active: true }));
	});
});
