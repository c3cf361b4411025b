/**
 * Supabase Auth through its own client (supabase-js) when PUBLIC_SUPABASE_URL is set:
 * staff password sign-in, session refresh and sign-out, and volunteers' phone OTP.
 *
 * Every call makes its own auth client with `persistSession: false` and no auto-refresh, so
 * nothing about one person's session stays in this process between requests: the
 * session lives in the caller's cookies (cookie.ts) and is handed in per call. Tokens
 * Supabase returns are still verified here, pinned to the project's JWKS and issuer
 * (tokens.ts): a token is never believed because Supabase's client accepted it.
 */
import { AuthClient, isAuthApiError, isAuthRetryableFetchError, type AuthError } from '@supabase/supabase-js';
import type { SignInResult } from './issuer';
import type { TokenVerifier } from './tokens';

export type OtpSend = { ok: true } | { ok: false; reason: 'limited'; retryAfterSeconds: number } | { ok: false; reason: 'unavailable' };
export type OtpCheck = { ok: true; userId: string } | { ok: false; reason: 'invalid' | 'unavailable' };

/** The phone OTP of Supabase Auth, as the volunteers' sign-in uses it (mainland numbers, 11 digits). */
export type PhoneOtp = {
	send(phone: string): Promise<OtpSend>;
	verify(phone: string, code: string): Promise<OtpCheck>;
};

const TIMEOUT_MS = 10_000;
/**
 * A refresh happens inside a console request. auth-js retries a refresh that meets a
 * network error or a 5xx for up to 30 s (200 ms, 400 ms, … apart); the request waits
 * at most this long, and after it the client's fetch fails at once without the network.
 */
const REFRESH_DEADLINE_MS = 3_000;
/** Supabase answers too many requests with 429 and no Retry-After; a minute is its smallest window. */
const RETRY_AFTER_SECONDS = 60;

/** Each call to Supabase gives up after TIMEOUT_MS, and every call once `deadline` has passed. */
const fetchUntil =
	(deadline: AbortSignal): typeof fetch =>
	(input, init) =>
		fetch(input, { ...init, signal: AbortSignal.any([deadline, AbortSignal.timeout(TIMEOUT_MS), ...(init?.signal ? [init.signal] : [])]) });

/** Resolves with null when `deadline` passes. */
const passing = (deadline: AbortSignal) =>
	new Promise<null>((resolve) => (deadline.aborted ? resolve(null) : deadline.addEventListener('abort', () => resolve(null), { once: true })));

/** Supabase's phone numbers are E.164 (it stores them without the "+"). */
const e164 = (phone: string) => `+86${phone}`;

function failureOf(error: AuthError): 'limited' | 'unavailable' | 'refused' {
	if (error.status === 429) return 'limited';
	// Network errors, timeouts and Supabase's own 5xx: not the person's fault.
	if (isAuthRetryableFetchError(error) || !isAuthApiError(error) || (error.status ?? 500) >= 500) return 'unavailable';
	return 'refused';
}

/**
 * `cookieHours`: how long the browser keeps the session cookies from sign-in or the
 * last refresh; the access token inside expires sooner and is refreshed on use.
 */
export function supabaseAuth(url: string, anonKey: string, verify: TokenVerifier, cookieHours: number) {
	// supabase-js's own auth client, made as createClient() makes it (same URL and
	// headers) but without the rest of the client: createClient() also opens a Realtime
	// client, which on Node 20 refuses to start without a WebSocket package.
	const client = (deadline = AbortSignal.timeout(2 * TIMEOUT_MS)) =>
		new AuthClient({
			url: `${url}/auth/v1`,
			headers: { apikey: anonKey, Authorization: `Bearer ${anonKey}` },
			fetch: fetchUntil(deadline),
			persistSession: false,
			autoRefreshToken: false,
			detectSessionInUrl: false
		});

	/** A session from Supabase is only good once its access token passes our own verification. */
	async function accepted(session: { access_token: string; refresh_token: string } | null): Promise<SignInResult> {
		if (!session) return { ok: false, reason: 'invalid' };
		const claims = await verify(session.access_token);
		if (!claims) return { ok: false, reason: 'invalid' };
		return {
			ok: true,
			token: session.access_token,
			refreshToken: session.refresh_token,
			userId: claims.sub,
			expiresAt: new Date(Date.now() + cookieHours * 3600_000)
		};
	}

	async function signIn(email: string, password: string): Promise<SignInResult> {
		const { data, error } = await client().signInWithPassword({ email, password });
		if (error) {
			const failure = failureOf(error);
			if (failure === 'limited') return { ok: false, reason: 'locked', retryAfterSeconds: RETRY_AFTER_SECONDS };
			return { ok: false, reason: failure === 'unavailable' ? 'unavailable' : 'invalid' };
		}
		return accepted(data.session);
	}

	/** A new access token for the refresh token kept in the cookie (Supabase rotates the refresh token too). */
	async function refresh(refreshToken: string): Promise<SignInResult> {
		const deadline = AbortSignal.timeout(REFRESH_DEADLINE_MS);
		const answer = await Promise.race([client(deadline).refreshSession({ refresh_token: refreshToken }), passing(deadline)]);
		if (!answer) return { ok: false, reason: 'unavailable' };
		const { data, error } = answer;
		if (error) return { ok: false, reason: failureOf(error) === 'unavailable' ? 'unavailable' : 'invalid' };
		return accepted(data.session);
	}

	/** Revokes this session's refresh tokens at Supabase (other devices stay signed in); the access token then lapses. */
	async function signOut(token: string): Promise<void> {
		await client()
			.admin.signOut(token, 'local')
			.catch(() => undefined);
	}

	const phoneOtp: PhoneOtp = {
		async send(phone) {
			const { error } = await client().signInWithOtp({ phone: e164(phone), options: { channel: 'sms', shouldCreateUser: true } });
			if (!error) return { ok: true };
			return failureOf(error) === 'limited' ? { ok: false, reason: 'limited', retryAfterSeconds: RETRY_AFTER_SECONDS } : { ok: false, reason: 'unavailable' };
		},
		async verify(phone, code) {
			const auth = client();
			const { data, error } = await auth.verifyOtp({ phone: e164(phone), token: code, type: 'sms' });
			if (error) {
				// Supabase answers a wrong and an expired code alike ("otp_expired"); the app's own
				// record of the request tells expired apart (sign-in.ts).
				return { ok: false, reason: failureOf(error) === 'unavailable' ? 'unavailable' : 'invalid' };
			}
			const session = data.session;
			const claims = session ? await verify(session.access_token) : null;
			// The verified token must be for this very phone, whatever else the answer says.
			const claimed = typeof claims?.phone === 'string' ? claims.phone.replace(/^\+/, '') : null;
			if (!session || !claims || claimed !== e164(phone).slice(1)) return { ok: false, reason: 'invalid' };
			// Volunteers keep the app's own session; Supabase's is not needed after this.
			await signOut(session.access_token);
			return { ok: true, userId: claims.sub };
		}
	};

	return { signIn, refresh, signOut, phoneOtp };
}
