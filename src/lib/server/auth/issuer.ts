/**
 * The built-in identity issuer, used when Supabase Auth is not configured: password
 * sign-in against auth.users, sessions in app_private.sessions, JWTs with Supabase's
 * claims. Like Supabase's own auth server it is privileged and runs as service_role;
 * nothing else does on a request.
 */
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { clearFailures, lockoutKeys, recordFailedSignIn, waitBeforeSignIn } from './lockout';
import { dummyHash, verifyPassword } from './passwords';
import { localSigner } from './tokens';

/**
 * `expiresAt`: until when the browser keeps the session cookie. `refreshToken`: only
 * with Supabase, whose access tokens are short-lived and renewed with it.
 * `unavailable`: the identity service could not be reached (Supabase only).
 */
export type SignInResult =
	| { ok: true; token: string; refreshToken?: string; expiresAt: Date; userId: string }
	| { ok: false; reason: 'invalid' | 'unavailable' }
	| { ok: false; reason: 'locked'; retryAfterSeconds: number };

export type Issuer = ReturnType<typeof createIssuer>;

export function createIssuer(db: Database, secret: string, sessionHours: number) {
	const signer = localSigner(secret);

	async function signIn(email: string, password: string, address: string, userAgent: string): Promise<SignInResult> {
		const locked = await asService(db, (tx) => waitBeforeSignIn(tx, email, address));
		if (locked > 0) return { ok: false, reason: 'locked', retryAfterSeconds: locked };

		const [user] = await asService(db, (tx) =>
			tx.query<{ id: string; encrypted_password: string | null }>(
				`select u.id, u.encrypted_password from auth.users u
				   join public.staff s on s.user_id = u.id and s.active
				  where u.email = lower($1) and (u.banned_until is null or u.banned_until < now())`,
				[email.trim()]
			)
		);
		// Verify even without an account, so both answers take the same time.
		const good = await verifyPassword(user?.encrypted_password ?? (await dummyHash()), password);
		if (!user || !good) {
			await asService(db, (tx) => recordFailedSignIn(tx, email, address));
			return { ok: false, reason: 'invalid' };
		}

		const expiresAt = new Date(Date.now() + sessionHours * 3600_000);
		const sessionId = await asService(db, async (tx) => {
			await clearFailures(tx, lockoutKeys(email, address).pair);
			await tx.query('update auth.users set last_sign_in_at = now() where id = $1', [user.id]);
			const [session] = await tx.query<{ id: string }>(
				`insert into app_private.sessions (user_id, expires_at, ip, user_agent)
				 values ($1, $2, $3, left($4, 300)) returning id`,
				[user.id, expiresAt, address, userAgent]
			);
			return session!.id;
		});
		const token = await signer.sign({ sub: user.id, email: email.trim().toLowerCase(), session_id: sessionId }, expiresAt);
		return { ok: true, token, expiresAt, userId: user.id };
	}

	/** Ends a session: its token stops working at once, whatever its expiry says. */
	async function signOut(sessionId: string): Promise<void> {
		await asService(db, (tx) =>
			tx.query('update app_private.sessions set revoked_at = now() where id = $1 and revoked_at is null', [sessionId])
		);
	}

	return { signIn, signOut, verify: signer.verify };
}
