/**
 * Lockout after repeated failed sign-ins, per e-mail and per client address.
 * It applies to e-mails with no account exactly as to real ones, so it reveals
 * nothing about which accounts exist. The lock grows with each further failure.
 */
import type { Queryable } from '../db/port';

export const LOCKOUT = {
	windowMinutes: 15,
	/** failures within the window before the first lock */
	emailThreshold: 5,
	addressThreshold: 30,
	firstLockSeconds: 60,
	maxLockSeconds: 3600
} as const;

export function lockoutKeys(email: string, address: string): { email: string; address: string } {
	return { email: `email:${email.trim().toLowerCase()}`, address: `ip:${address}` };
}

/** Seconds until the later of the keys' locks ends, or 0. */
export async function lockedFor(tx: Queryable, keys: string[]): Promise<number> {
	const [row] = await tx.query<{ seconds: number | null }>(
		`select ceil(extract(epoch from max(locked_until) - now()))::int as seconds
		   from app_private.sign_in_failures where key = any($1) and locked_until > now()`,
		[keys]
	);
	return row?.seconds ?? 0;
}

export async function recordFailure(tx: Queryable, key: string, threshold: number): Promise<void> {
	await tx.query(
		`insert into app_private.sign_in_failures as f (key, failures, window_started_at)
		 values ($1, 1, now())
		 on conflict (key) do update set
		   failures = case when f.window_started_at < now() - make_interval(mins => $2) then 1 else f.failures + 1 end,
		   window_started_at = case when f.window_started_at < now() - make_interval(mins => $2) then now() else f.window_started_at end`,
		[key, LOCKOUT.windowMinutes]
	);
	// Doubling lock: threshold reached -> 1 min, then 2, 4, ... up to an hour.
	await tx.query(
		`update app_private.sign_in_failures
		    set locked_until = now() + make_interval(secs => least($3::float8, $2::float8 * power(2, failures - $4)))
		  where key = $1 and failures >= $4`,
		[key, LOCKOUT.firstLockSeconds, LOCKOUT.maxLockSeconds, threshold]
	);
}

export async function clearFailures(tx: Queryable, key: string): Promise<void> {
	await tx.query('delete from app_private.sign_in_failures where key = $1', [key]);
}
