/**
 * Volunteers sign in with a phone number and a one-time code. The code is 6 digits, kept
 * as an HMAC, good for 10 minutes and 5 attempts; requests are limited per phone and per
 * client address in the database, so the limits hold across processes. The session is
 * a random token in its own cookie, stored as SHA-256: volunteers are not staff.
 *
 * With Supabase Auth configured (`otp` given), Supabase makes, texts and checks the code
 * (signInWithOtp / verifyOtp); the app still keeps the request row, for its limits per
 * phone and address and its 5 attempts, because Supabase sees only this server's address.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';
import { storedSecret } from '../auth/secrets';
import { asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import type { CodeSender } from '../messaging/sms/codes';
import type { PhoneOtp } from '../auth/supabase';

/** Stands in for the code's HMAC on a request whose code only Supabase knows. */
const SUPABASE_CODE = 'supabase';

export const VOLUNTEER_COOKIE = 'sm_volunteer';
export const CODE_MINUTES = 10;
export const CODE_ATTEMPTS = 5;
export const SESSION_DAYS = 30;
/** per phone: one code a minute, five an hour; per client address: twenty an hour */
export const LIMITS = { phoneGapSeconds: 60, phonePerHour: 5, addressPerHour: 20 };

export type VolunteerIdentity = { userId: string; phone: string; name: string | null };

/** Mainland mobile numbers, with or without +86 and separators; null if not one. */
export function normalisePhone(input: string): string | null {
	// NFKC: a phone keyboard in full-width mode types "１３９…" and "＋８６"; those are the same digits.
	const digits = input.normalize('NFKC').replace(/[\s\-()]/g, '').replace(/^(\+86|0086)/, '');
	return /^1[3-9][0-9]{9}$/.test(digits) ? digits : null;
}

const keys = new WeakMap<Database, Promise<string>>();
function codeKey(db: Database): Promise<string> {
	let key = keys.get(db);
	if (!key) keys.set(db, (key = storedSecret(db, 'volunteer_code_key')));
	return key;
}

function hashCode(key: string, phone: string, code: string): string {
	return createHmac('sha256', key).update(`${phone}:${code}`).digest('hex');
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** `unavailable`: Supabase could not be reached; nothing was sent. */
export type CodeRequest = { ok: true } | { ok: false; retryAfterSeconds: number; unavailable?: true };

export async function requestCode(
	db: Database,
	codes: CodeSender,
	phone: string,
	address: string,
	otp: PhoneOtp | null = null
): Promise<CodeRequest> {
	const key = await codeKey(db);
	const made = await asService(db, async (tx): Promise<{ ok: true; code: string } | { ok: false; retryAfterSeconds: number }> => {
		// One request per phone at a time, so two at once cannot both slip under the limit.
		await tx.query(`select pg_advisory_xact_lock(hashtext('volunteer_code:' || $1))`, [phone]);
		const [counts] = await tx.query<{ last_gap: number | null; phone_hour: number; address_hour: number; oldest: number | null }>(
			`select (select extract(epoch from now() - max(created_at))::float8 from app_private.volunteer_codes where phone = $1) as last_gap,
			        (select count(*)::int from app_private.volunteer_codes where phone = $1 and created_at > now() - interval '1 hour') as phone_hour,
			        (select count(*)::int from app_private.volunteer_codes where address = $2 and created_at > now() - interval '1 hour') as address_hour,
			        (select extract(epoch from now() - min(created_at))::float8 from app_private.volunteer_codes
			          where (phone = $1 or address = $2) and created_at > now() - interval '1 hour') as oldest`,
			[phone, address]
		);
		const c = counts!;
		if (c.last_gap !== null && c.last_gap < LIMITS.phoneGapSeconds) {
			return { ok: false, retryAfterSeconds: Math.ceil(LIMITS.phoneGapSeconds - c.last_gap) };
		}
		if (c.phone_hour >= LIMITS.phonePerHour || c.address_hour >= LIMITS.addressPerHour) {
			return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(3600 - (c.oldest ?? 0))) };
		}
		const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
		await tx.query(
			`insert into app_private.volunteer_codes (phone, address, code_hash, expires_at)
			 values ($1, $2, $3, now() + make_interval(mins => $4))`,
			[phone, address, otp ? SUPABASE_CODE : hashCode(key, phone, code), CODE_MINUTES]
		);
		return { ok: true, code };
	});
	if (!made.ok) return made;
	// After the commit: the gateway is not called while the phone's lock is held.
	if (otp) {
		const sent = await otp.send(phone);
		if (sent.ok || sent.reason === 'limited') return sent.ok ? sent : { ok: false, retryAfterSeconds: sent.retryAfterSeconds };
		return { ok: false, retryAfterSeconds: 60, unavailable: true };
	}
	await codes.send(db, { to: phone, template: 'sign_in_code', code: made.code, minutes: CODE_MINUTES, lang: 'zh-CN' });
	return { ok: true };
}

export type CodeCheck =
	| { ok: true; token: string; expiresAt: Date; user: VolunteerIdentity }
	| { ok: false; reason: 'invalid' | 'expired' | 'attempts' | 'unavailable' };

export async function verifyCode(db: Database, phone: string, code: string, otp: PhoneOtp | null = null): Promise<CodeCheck> {
	if (otp) return verifySupabaseCode(db, otp, phone, code);
	const key = await codeKey(db);
	return asService(db, async (tx) => {
		const [row] = await tx.query<{ id: number; code_hash: string; attempts: number; live: boolean }>(
			`select id, code_hash, attempts, expires_at > now() as live from app_private.volunteer_codes
			  where phone = $1 and used_at is null and code_hash <> $2 order by created_at desc limit 1 for update`,
			[phone, SUPABASE_CODE]
		);
		if (!row) return { ok: false, reason: 'invalid' };
		if (!row.live) return { ok: false, reason: 'expired' };
		if (row.attempts >= CODE_ATTEMPTS) return { ok: false, reason: 'attempts' };
		const given = Buffer.from(hashCode(key, phone, code.trim()));
		if (!/^[0-9]{6}$/.test(code.trim()) || !timingSafeEqual(given, Buffer.from(row.code_hash))) {
			await tx.query('update app_private.volunteer_codes set attempts = attempts + 1 where id = $1', [row.id]);
			return { ok: false, reason: row.attempts + 1 >= CODE_ATTEMPTS ? 'attempts' : 'invalid' };
		}
		await tx.query('update app_private.volunteer_codes set used_at = now() where id = $1', [row.id]);
		return { ok: true, ...(await startSession(tx, await volunteerFor(tx, phone))) };
	});
}

/**
 * The attempt is counted before Supabase is asked, in its own transaction, so no
 * database connection waits on the network and five wrong codes end the request even
 * when tried at once.
 */
async function verifySupabaseCode(db: Database, otp: PhoneOtp, phone: string, code: string): Promise<CodeCheck> {
	const counted = await asService(db, async (tx): Promise<{ id: number } | { reason: 'invalid' | 'expired' | 'attempts' }> => {
		const [row] = await tx.query<{ id: number; attempts: number; live: boolean }>(
			`select id, attempts, expires_at > now() as live from app_private.volunteer_codes
			  where phone = $1 and used_at is null and code_hash = $2 order by created_at desc limit 1 for update`,
			[phone, SUPABASE_CODE]
		);
		if (!row) return { reason: 'invalid' };
		if (!row.live) return { reason: 'expired' };
		if (row.attempts >= CODE_ATTEMPTS) return { reason: 'attempts' };
		await tx.query('update app_private.volunteer_codes set attempts = attempts + 1 where id = $1', [row.id]);
		return { id: row.id };
	});
	if ('reason' in counted) return { ok: false, reason: counted.reason };
	const checked = await otp.verify(phone, code.trim());
	if (!checked.ok) return { ok: false, reason: checked.reason };
	return asService(db, async (tx) => {
		await tx.query('update app_private.volunteer_codes set used_at = now() where id = $1', [counted.id]);
		return { ok: true as const, ...(await startSession(tx, await volunteerFor(tx, phone, checked.userId))) };
	});
}

async function startSession(tx: Queryable, user: VolunteerIdentity): Promise<{ token: string; expiresAt: Date; user: VolunteerIdentity }> {
	const token = randomBytes(32).toString('base64url');
	const [session] = await tx.query<{ expires_at: Date }>(
		`insert into app_private.volunteer_sessions (token_hash, user_id, expires_at)
		 values ($1, $2, now() + make_interval(days => $3)) returning expires_at`,
		[sha256(token), user.userId, SESSION_DAYS]
	);
	return { token, expiresAt: new Date(session!.expires_at), user };
}

/**
 * The volunteer with this phone, made on first sign-in. `supabaseUser`: the auth.users
 * row Supabase's phone sign-in made; without it the app makes one, as Supabase would.
 * A volunteer who signed up before Supabase Auth was configured keeps their profile.
 */
async function volunteerFor(tx: Queryable, phone: string, supabaseUser?: string): Promise<VolunteerIdentity> {
	const [found] = await tx.query<VolunteerIdentity>(
		`select user_id as "userId", phone, name from public.volunteers where phone = $1`,
		[phone]
	);
	if (found) return found;
	const userId =
		supabaseUser ??
		(await tx.query<{ id: string }>(`insert into auth.users (raw_app_meta_data) values ('{"provider":"phone"}') returning id`))[0]!.id;
	await tx.query('insert into public.volunteers (user_id, phone) values ($1, $2)', [userId, phone]);
	return { userId, phone, name: null };
}

export async function volunteerFromToken(db: Database, token: string): Promise<VolunteerIdentity | null> {
	if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
	const [row] = await asService(db, (tx) =>
		tx.query<VolunteerIdentity>(
			`select v.user_id as "userId", v.phone, v.name from app_private.volunteer_sessions s
			   join public.volunteers v on v.user_id = s.user_id
			  where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now()`,
			[sha256(token)]
		)
	);
	return row ?? null;
}

export async function signOut(db: Database, token: string): Promise<void> {
	await asService(db, (tx) =>
		tx.query('update app_private.volunteer_sessions set revoked_at = now() where token_hash = $1', [sha256(token)])
	);
}

export function setVolunteerCookie(cookies: Cookies, token: string, expires: Date): void {
	cookies.set(VOLUNTEER_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', expires });
}

export function clearVolunteerCookie(cookies: Cookies): void {
	cookies.delete(VOLUNTEER_COOKIE, { path: '/' });
}
