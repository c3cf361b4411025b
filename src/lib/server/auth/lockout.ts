/**
 * Lockout after failed sign-ins. Three counters, so that guessing is slowed without
 * letting anyone lock a staff member out from everywhere:
 * - per (account, address): 5 failures in 15 min lock that pair for 1 min, doubling to
 *   1 h. The attacker's address is locked out of the account; the admin's is not.
 * - per address: 30 failures (any accounts) lock the address, the same way.
 * - per account, over all addresses (a distributed guess): a slower back-off — 20
 *   failures, then a lock that doubles only every 5 further failures and never exceeds
 *   15 min. It does not apply from an address the account has signed in from before
 *   (a session row names it), so the admin's usual places are never locked by strangers.
 * All of it applies to e-mails with no account exactly as to real ones, so it reveals
 * nothing about which accounts exist.
 */
import type { Queryable } from '../db/port';

export const LOCKOUT = {
	windowMinutes: 15,
	/** failures within the window before the first lock */
	pairThreshold: 5,
	addressThreshold: 30,
	accountThreshold: 20,
	firstLockSeconds: 60,
	maxLockSeconds: 3600,
	/** the account-wide lock: doubles every this many failures, up to its own cap */
	accountDoublingEvery: 5,
	accountMaxLockSeconds: 900
} as const;

export type LockoutKeys = { pair: string; address: string; account: string };

export function lockoutKeys(email: string, address: string): LockoutKeys {
	const who = email.trim().toLowerCase();
	return { pair: `pair:${who}|${address}`, address: `ip:${address}`, account: `email:${who}` };
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

/** Whether this account has signed in from this address before (its sessions say so). */
export async function knownAddress(tx: Queryable, email: string, address: string): Promise<boolean> {
	const [row] = await tx.query<{ known: boolean }>(
		`select exists (select 1 from app_private.sessions s join auth.users u on u.id = s.user_id
		                 where u.email = lower($1) and s.ip = $2) as known`,
		[email.trim(), address]
	);
	return row?.known ?? false;
}

/** Seconds the caller must wait before trying this account from this address, or 0. */
export async function waitBeforeSignIn(tx: Queryable, email: string, address: string): Promise<number> {
	const keys = lockoutKeys(email, address);
	const local = await lockedFor(tx, [keys.pair, keys.address]);
	if (local > 0) return local;
	const global = await lockedFor(tx, [keys.account]);
	return global > 0 && !(await knownAddress(tx, email, address)) ? global : 0;
}

export async function recordFailure(
	tx: Queryable,
	key: string,
	threshold: number,
	{ doublingEvery = 1, maxSeconds = LOCKOUT.maxLockSeconds }: { doublingEvery?: number; maxSeconds?: number } = {}
): Promise<void> {
	await tx.query(
		`insert into app_private.sign_in_failures as f (key, failures, window_started_at)
		 values ($1, 1, now())
		 on conflict (key) do update set
		   failures = case when f.window_started_at < now() - make_interval(mins => $2) then 1 else f.failures + 1 end,
		   window_started_at = case when f.window_started_at < now() - make_interval(mins => $2) then now() else f.window_started_at end`,
		[key, LOCKOUT.windowMinutes]
	);
	// Doubling lock: threshold reached -> 1 min, then 2, 4, ... up to the cap.
	await tx.query(
		`update app_private.sign_in_failures
		    set locked_until = now() + make_interval(secs => least($3::float8, $2::float8 * power(2, floor((failures - $4) / $5::float8))))
		  where key = $1 and failures >= $4`,
		[key, LOCKOUT.firstLockSeconds, maxSeconds, threshold, doublingEvery]
	);
}

/** A failed sign-in counts against the pair, the address and the account. */
export async function recordFailedSignIn(tx: Queryable, email: string, address: string): Promise<void> {
	const keys = lockoutKeys(email, address);
	await recordFailure(tx, keys.pair, LOCKOUT.pairThreshold);
	await recordFailure(tx, keys.address, LOCKOUT.addressThreshold);
	await recordFailure(tx, keys.account, LOCKOUT.accountThreshold, {
		doublingEvery: LOCKOUT.accountDoublingEvery,
		maxSeconds: LOCKOUT.accountMaxLockSeconds
	});
}

/** A good sign-in clears the pair's count (the address's and the account's run out with their window). */
export async function clearFailures(tx: Queryable, key: string): Promise<void> {
	await tx.query('delete from app_private.sign_in_failures where key = $1', [key]);
}
