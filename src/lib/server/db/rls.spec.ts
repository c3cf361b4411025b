/**
 * Row level security, shown both ways: what each role may do and what it must not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, findApiKey } from '../auth/api-keys';
import { ANON_CLAIMS, asService, type Claims } from './caller';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import type { Database } from './port';

describe.each(backends())('RLS on $name', (backend) => {
	let db: Database;
	let admin: Claims, waterHandler: Claims, fireHandler: Claims, townDispatcher: Claims, apiKey: Claims;

	beforeAll(async () => {
		db = await backend.open();
		admin = await staffClaims(db, 'admin@test.cn', 'admin', { departmentCode: 'emergency' });
		waterHandler = await staffClaims(db, 'water@test.cn', 'handler', { departmentCode: 'water' });
		fireHandler = await staffClaims(db, 'fire@test.cn', 'handler', { departmentCode: 'fire_rescue' });
		townDispatcher = await staffClaims(db, 'town@test.cn', 'dispatcher', { townCode: '110118101' });
		const key = await createApiKey(db, 'feed', 'warning_issuer');
		apiKey = { role: 'authenticated', sub: (await findApiKey(db, key))!.id, api_key: true };
	});
	afterAll(async () => {
		await db?.close();
	});

	it('has RLS enabled on every table of the app', async () => {
		const without = await db.query<{ name: string }>(
			`select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
			  where c.relkind = 'r' and n.nspname in ('public', 'app', 'app_private', 'app_meta', 'auth')
			    and c.relname <> 'spatial_ref_sys' and not c.relrowsecurity`
		);
		expect(without).toEqual([]);
	});

	describe('anonymous visitors', () => {
		it('read the public reference data', async () => {
			const [counts] = await as(db, ANON_CLAIMS, (tx) =>
				tx.query<{ towns: number; villages: number; departments: number; district: number }>(
					`select (select count(*) from public.towns) as towns, (select count(*) from public.villages) as villages,
					        (select count(*) from public.departments) as departments, (select count(*) from public.district) as district`
				)
			);
			expect(counts).toMatchObject({ towns: 21, villages: 429, district: 1 });
			expect(counts!.departments).toBeGreaterThanOrEqual(15);
		});

		it.each(['public.staff', 'public.api_keys', 'auth.users', 'app_private.sessions', 'app_private.secrets', 'app_meta.migrations'])(
			'cannot read %s',
			async (table) => {
				expect(await sqlState(as(db, ANON_CLAIMS, (tx) => tx.query(`select * from ${table}`)))).toBe('42501');
			}
		);

		it('cannot change a department or a town', async () => {
			const changed = await as(db, ANON_CLAIMS, (tx) =>
				tx.query(`update public.departments set name_zh = 'x' returning code`).catch(() => [])
			);
			expect(changed).toEqual([]);
			const towns = await as(db, ANON_CLAIMS, (tx) => tx.query(`update public.towns set name_zh = 'x' returning code`).catch(() => []));
			expect(towns).toEqual([]);
		});

		it('cannot call who-am-I helpers into a role', async () => {
			const [row] = await as(db, ANON_CLAIMS, (tx) => tx.query<{ role: string | null }>('select app.caller_role() as role'));
			expect(row!.role).toBeNull();
		});
	});

	describe('a handler of one department', () => {
		it('updates its own department’s phone', async () => {
			const rows = await as(db, waterHandler, (tx) =>
				tx.query(`update public.departments set phone = '010-69000000' where code = 'water' returning code`)
			);
			expect(rows).toHaveLength(1);
		});

		it('cannot change another department’s row', async () => {
			const rows = await as(db, waterHandler, (tx) =>
				tx.query(`update public.departments set phone = '010-1' where code = 'fire_rescue' returning code`)
			);
			expect(rows).toEqual([]);
			const [fire] = await as(db, ANON_CLAIMS, (tx) => tx.query<{ phone: string | null }>(`select phone from public.departments where code = 'fire_rescue'`));
			expect(fire!.phone).toBeNull();
		});

		it('cannot rename or deactivate even its own department', async () => {
			expect(
				await sqlState(as(db, waterHandler, (tx) => tx.query(`update public.departments set name_zh = '改名' where code = 'water'`)))
			).toBe('42501');
			expect(
				await sqlState(as(db, waterHandler, (tx) => tx.query(`update public.departments set active = false where code = 'water'`)))
			).toBe('42501');
		});

		it('cannot add a department', async () => {
			expect(
				await sqlState(
					as(db, waterHandler, (tx) => tx.query(`insert into public.departments (code, name_zh, name_en) values ('x_dept', 'x', 'x')`))
				)
			).toBe('42501');
		});

		it('sees itself and its unit, not other departments’ staff', async () => {
			const rows = await as(db, waterHandler, (tx) => tx.query<{ email: string }>('select email from public.staff order by email'));
			expect(rows.map((r) => r.email)).toEqual(['water@test.cn']);
		});

		it('cannot promote itself or change other staff', async () => {
			const mine = await as(db, waterHandler, (tx) =>
				tx.query(`update public.staff set role = 'admin' where email = 'water@test.cn' returning email`)
			);
			expect(mine).toEqual([]);
			const other = await as(db, waterHandler, (tx) => tx.query(`delete from public.staff where email = 'fire@test.cn' returning email`));
			expect(other).toEqual([]);
		});

		it('cannot read API keys', async () => {
			const rows = await as(db, waterHandler, (tx) => tx.query('select name from public.api_keys'));
			expect(rows).toEqual([]);
		});
	});

	describe('township staff', () => {
		it('see their township colleagues only, and no department’s staff', async () => {
			const rows = await as(db, townDispatcher, (tx) => tx.query<{ email: string }>('select email from public.staff'));
			expect(rows.map((r) => r.email)).toEqual(['town@test.cn']);
		});
	});

	describe('an admin', () => {
		it('sees all staff and edits any department', async () => {
			const staff = await as(db, admin, (tx) => tx.query('select email from public.staff'));
			expect(staff).toHaveLength(4);
			const rows = await as(db, admin, (tx) =>
				tx.query(`update public.departments set short_zh = '区消防' where code = 'fire_rescue' returning code`)
			);
			expect(rows).toHaveLength(1);
		});

		it('lists API keys but can never read a key’s hash', async () => {
			const keys = await as(db, admin, (tx) => tx.query<{ name: string }>('select name, role, prefix from public.api_keys'));
			expect(keys.map((k) => k.name)).toEqual(['feed']);
			expect(await sqlState(as(db, admin, (tx) => tx.query('select key_hash from public.api_keys')))).toBe('42501');
		});

		it('cannot read password hashes or sessions', async () => {
			expect(await sqlState(as(db, admin, (tx) => tx.query('select encrypted_password from auth.users')))).toBe('42501');
			expect(await sqlState(as(db, admin, (tx) => tx.query('select * from app_private.sessions')))).toBe('42501');
		});
	});

	describe('an API key', () => {
		it('acts in its own role, and in none once revoked', async () => {
			const role = () => as(db, apiKey, (tx) => tx.query<{ role: string | null }>('select app.caller_role() as role'));
			expect((await role())[0]!.role).toBe('warning_issuer');
			await asService(db, (tx) => tx.query(`update public.api_keys set revoked_at = now() where name = 'feed'`));
			expect((await role())[0]!.role).toBeNull();
		});

		it('claims without the api_key flag do not borrow a key’s role', async () => {
			const [row] = await as(db, { role: 'authenticated', sub: apiKey.sub }, (tx) =>
				tx.query<{ role: string | null }>('select app.caller_role() as role')
			);
			expect(row!.role).toBeNull();
		});
	});
});
