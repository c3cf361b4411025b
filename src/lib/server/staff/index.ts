/**
 * Staff accounts: created by an admin in the console, or by the admin CLI and the embedded
 * demo seed as service_role — all through `public.staff_add`; listed and edited under RLS.
 */
import { StaffRoleValues, type StaffRole, type Tables } from '../../db-types.gen';
import { asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { isDepartment, townCodes } from '../district';
import { hashPassword, passwordProblem } from '../auth/passwords';

/** Why a field was refused, beyond "not valid": callers choose their words by it, not by the message. */
export type InputReason = 'invalid' | 'taken' | 'no_account' | 'self';

export class InputError extends Error {
	constructor(
		readonly field: string,
		problem: string,
		readonly reason: InputReason = 'invalid'
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

/** The profile's name is at most this long (public.staff's check). */
export const NAME_MAX = 80;
// Right-to-left overrides and isolates turn a name around on screen ("\u202Eevil" shows "live").
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

function checkProfile(input: Omit<NewStaff, 'password'>): { email: string; role: StaffRole; displayName: string | null } {
	const email = input.email.trim().toLowerCase();
	if (!EMAIL.test(email)) throw new InputError('email', `"${input.email}" is not an e-mail address`);
	if (!isStaffRole(input.role)) {
		throw new InputError('role', `"${input.role}" is not a staff role (one of: ${StaffRoleValues.join(', ')})`);
	}
	const displayName = input.displayName?.trim() || null;
	if (displayName && [...displayName].length > NAME_MAX) throw new InputError('name', `must be at most ${NAME_MAX} characters`);
	if (displayName && BIDI_CONTROLS.test(displayName)) throw new InputError('name', 'must not hold text-direction control characters');
	return { email, role: input.role, displayName };
}

/** What a staff member's profile says, as the console lists it. */
export type StaffRow = Pick<Tables['staff'], 'user_id' | 'email' | 'display_name' | 'role' | 'department_code' | 'town_code' | 'active'>;

/**
 * Adds a staff member in the caller's transaction: an admin (the console) or the service
 * role (the CLI, the demo seed); `public.staff_add` checks which. With a password, the
 * built-in sign-in's account and the profile together; without (Supabase Auth owns the
 * passwords), the profile of the Auth user with that address. Refused by field, before
 * anything is written: an address, role, unit or password that will not do, an account
 * that exists already, no such Auth user.
 */
export async function createStaff(tx: Queryable, input: Omit<NewStaff, 'password'> & { password: string | null }): Promise<{ userId: string }> {
	const { email, role, displayName } = checkProfile(input);
	const problem = input.password === null ? null : passwordProblem(input.password);
	if (problem) throw new InputError('password', problem);
	await checkUnit(tx, input.departmentCode ?? null, input.townCode ?? null);
	// Argon2 on purpose takes a while: only for input that will be written
	const hash = input.password === null ? null : await hashPassword(input.password);
	try {
		const [row] = await tx.query<{ id: string }>('select public.staff_add($1, $2, $3, $4, $5, $6) as id', [
			email,
			hash,
			role,
			input.departmentCode ?? null,
			input.townCode ?? null,
			displayName
		]);
		return { userId: row!.id };
	} catch (error) {
		const code = (error as { code?: string }).code;
		if (code === '23505') throw new InputError('email', (error as Error).message, 'taken');
		if (code === 'P0002') throw new InputError('email', (error as Error).message, 'no_account');
		throw error;
	}
}

/** Built-in sign-in, as the service role (CLI, seed): creates the account and the staff profile together, or neither. */
export async function addStaff(db: Database, input: NewStaff): Promise<{ userId: string }> {
	return asService(db, (tx) => createStaff(tx, input));
}

/**
 * Supabase Auth, as the service role: the account is made in Supabase (dashboard or its
 * admin API), which owns passwords; this gives that existing auth.users row its staff profile.
 */
export async function linkStaff(db: Database, input: Omit<NewStaff, 'password'>): Promise<{ userId: string }> {
	return asService(db, (tx) => createStaff(tx, { ...input, password: null }));
}

/** Everyone's profile for an admin (by address: a row stays where it is when saved); under RLS others see themselves and their unit. */
export async function listStaff(tx: Queryable): Promise<StaffRow[]> {
	return tx.query<StaffRow>(
		`select user_id, email, display_name, role, department_code, town_code, active
		   from public.staff order by email`
	);
}

/**
 * Changes a staff member's role or switches the account off or on (an admin, under RLS).
 * Null: not allowed, or no such person. The database refuses an admin's taking away their
 * own admin role or switching themselves off (InputError on `role`).
 */
export async function updateStaff(tx: Queryable, userId: string, change: { role: string; active: boolean }): Promise<boolean> {
	if (!isStaffRole(change.role)) throw new InputError('role', `"${change.role}" is not a staff role`);
	try {
		const rows = await tx.query('update public.staff set role = $2, active = $3 where user_id = $1 returning user_id', [userId, change.role, change.active]);
		return rows.length > 0;
	} catch (error) {
		if ((error as { code?: string }).code === '42501') throw new InputError('role', (error as Error).message, 'self');
		throw error;
	}
}
