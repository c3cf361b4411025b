/**
 * A staff account names a unit that exists: a township, or a department (a retired one
 * too, as before the district module held them); an unknown code is refused by field
 * before anything is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { forgetDistrict } from '../district';
import { backends } from '../testing/db';
import { addStaff, InputError } from '.';

const PASSWORD = 'correct horse battery';
// The PostgreSQL test database outlives a run.
const RUN = Date.now().toString(36);

describe.each(backends())('staff units on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		forgetDistrict();
		await db?.close();
	});

	const accounts = (email: string) => asService(db, (tx) => tx.query('select 1 from auth.users where email = $1', [email]));

	it('refuses an unknown township or department by its field, and writes nothing', async () => {
		for (const [unit, field] of [[{ townCode: '110118999' }, 'town'], [{ departmentCode: 'no_such_department' }, 'department']] as const) {
			const email = `unit-${field}-${RUN}@miyun.test`;
			const refused = await addStaff(db, { email, password: PASSWORD, role: 'handler', ...unit }).catch((e: unknown) => e);
			expect(refused).toBeInstanceOf(InputError);
			expect((refused as InputError).field).toBe(field);
			expect(await accounts(email)).toEqual([]);
		}
	});

	it('accepts a township and a retired department', async () => {
		await addStaff(db, { email: `unit-town-${RUN}@miyun.test`, password: PASSWORD, role: 'handler', townCode: '110118101' });
		await asService(db, (tx) => tx.query(`update public.departments set active = false where code = 'water'`));
		forgetDistrict();
		try {
			await addStaff(db, { email: `unit-dept-${RUN}@miyun.test`, password: PASSWORD, role: 'handler', departmentCode: 'water' });
		} finally {
			await asService(db, (tx) => tx.query(`update public.departments set active = true where code = 'water'`));
			forgetDistrict();
		}
		expect(await accounts(`unit-dept-${RUN}@miyun.test`)).toHaveLength(1);
	});
});
