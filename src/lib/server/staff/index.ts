/**
 * Staff accounts: created by the admin CLI (and the embedded demo seed) as
 * service_role; listed and edited in the console under RLS.
 */
import { StaffRoleValues, type StaffRole } from '../../db-types.gen';
import { asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { isDepartment, townCodes } from '../district';
import { hashPassword, passwordProblem } from '../auth/passwords';

export class InputError extends Error {
	constructor(
		readonly field: string,
		problem: string
	) {
		super(`${field}: ${problem}`);
		this.name = 'InputError';
	}
}

export type NewStaff = {
	email: string;
	password: string;
	role: string;
	departmentCode?: string | null;
	townCode?: string | null;
	displayName?: string | null;
};

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

export function isStaffRole(value: string): value is StaffRole {
	return (StaffRoleValues as readonly string[]).includes(value);
}

async function checkUnit(tx: Queryable, departmentCode: string | null, townCode: string | null) {
	if (Boolean(departmentCode) === Boolean(townCode)) {
		throw new InputError('unit', 'give exactly one of --department CODE or --town CODE');
	}
	if (departmentCode) {
		if (!(await isDepartment(tx, departmentCode))) throw new InputError('department', `no department with code "${departmentCode}"`);
	}
	if (townCode) {
		if (!(await townCodes(tx)).has(townCode)) throw new InputError('town', `no township with code "${townCode}"`);
	}
}

function checkProfile(input: Omit<NewStaff, 'password'>): { email: string; role: StaffRole } {
	const email = input.email.trim().toLowerCase();
	if (!EMAIL.test(email)) throw new InputError('email', `"${input.email}" is not an e-mail address`);
	if (!isStaffRole(input.role)) {
		throw new InputError('role', `"${input.role}" is not a staff role (one of: ${StaffRoleValues.join(', ')})`);
	}
	return { email, role: input.role };
}

async function insertProfile(tx: Queryable, userId: string, email: string, role: StaffRole, input: Omit<NewStaff, 'password'>) {
	await tx.query(
		`insert into public.staff (user_id, email, display_name, role, department_code, town_code)
		 values ($1, $2, $3, $4, $5, $6)`,
		[userId, email, input.displayName ?? null, role, input.departmentCode ?? null, input.townCode ?? null]
	);
}

/** Built-in issuer: creates the auth.users row and the staff profile together, or neither. */
export async function addStaff(db: Database, input: NewStaff): Promise<{ userId: string }> {
	const { email, role } = checkProfile(input);
	const problem = passwordProblem(input.password);
	if (problem) throw new InputError('password', problem);
	const hash = await hashPassword(input.password);
	return asService(db, async (tx) => {
		await checkUnit(tx, input.departmentCode ?? null, input.townCode ?? null);
		const taken = await tx.query('select 1 from auth.users where email = $1', [email]);
		if (taken.length) throw new InputError('email', `an account for ${email} exists already`);
		const [user] = await tx.query<{ id: string }>(
			`insert into auth.users (email, encrypted_password, raw_app_meta_data) values ($1, $2, $3) returning id`,
			[email, hash, JSON.stringify({ provider: 'email', providers: ['email'] })]
		);
		await insertProfile(tx, user!.id, email, role, input);
		return { userId: user!.id };
	});
}

/**
 * Supabase Auth: the account is made in Supabase (dashboard or its admin API), which
 * owns passwords; this gives that existing auth.users row its staff profile.
 */
export async function linkStaff(db: Database, input: Omit<NewStaff, 'password'>): Promise<{ userId: string }> {
	const { email, role } = checkProfile(input);
	return asService(db, async (tx) => {
		await checkUnit(tx, input.departmentCode ?? null, input.townCode ?? null);
		const [user] = await tx.query<{ id: string }>('select id from auth.users where lower(email) = $1', [email]);
		if (!user) throw new InputError('email', `no Supabase Auth user ${email}: create the user in Supabase first`);
		const taken = await tx.query('select 1 from public.staff where user_id = $1', [user.id]);
		if (taken.length) throw new InputError('email', `${email} is staff already`);
		await insertProfile(tx, user.id, email, role, input);
		return { userId: user.id };
	});
}
