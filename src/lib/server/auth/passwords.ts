import { hash, verify } from '@node-rs/argon2';

// Argon2id with OWASP's minimum recommended cost (19 MiB, 2 passes).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/** Why a new password is not acceptable, or null. */
export function passwordProblem(password: string): string | null {
	if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
	if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
	return null;
}

export function hashPassword(password: string): Promise<string> {
	return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
	try {
		return await verify(stored, password);
	} catch {
		return false;
	}
}

let dummy: Promise<string> | null = null;
/**
 * A hash to verify against when the account does not exist, so that answering
 * "no such account" takes as long as "wrong password".
 */
export function dummyHash(): Promise<string> {
	dummy ??= hashPassword('not-a-real-password-for-timing');
	return dummy;
}
