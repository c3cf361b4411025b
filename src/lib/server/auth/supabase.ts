/**
 * Sign-in through Supabase Auth (GoTrue) when PUBLIC_SUPABASE_URL is set. The two
 * calls are GoTrue's documented REST endpoints; tokens it returns are verified with
 * the project's JWKS like any other (tokens.ts).
 */
import type { SignInResult } from './issuer';

type TokenResponse = { access_token?: string; expires_in?: number; user?: { id?: string } };

export function supabaseAuth(url: string, anonKey: string) {
	const headers = { apikey: anonKey, 'content-type': 'application/json' };

	async function signIn(email: string, password: string): Promise<SignInResult> {
		const response = await fetch(`${url}/auth/v1/token?grant_type=password`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ email, password }),
			signal: AbortSignal.timeout(10_000)
		});
		if (response.status === 429) return { ok: false, reason: 'locked', retryAfterSeconds: 60 };
		if (!response.ok) return { ok: false, reason: 'invalid' };
		const body = (await response.json()) as TokenResponse;
		if (!body.access_token || !body.user?.id) return { ok: false, reason: 'invalid' };
		return {
			ok: true,
			token: body.access_token,
			userId: body.user.id,
			expiresAt: new Date(Date.now() + (body.expires_in ?? 3600) * 1000)
		};
	}

	/** Revokes the session's refresh tokens at Supabase; the access token then lapses. */
	async function signOut(token: string): Promise<void> {
		await fetch(`${url}/auth/v1/logout`, {
			method: 'POST',
			headers: { ...headers, authorization: `Bearer ${token}` },
			signal: AbortSignal.timeout(10_000)
		}).catch(() => undefined);
	}

	return { signIn, signOut };
}
