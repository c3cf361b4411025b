/**
 * JWTs with Supabase's claims. The built-in issuer signs HS256 with its own secret;
 * with Supabase Auth, tokens are verified against the project's JWKS (or its legacy
 * HS256 secret when SUPABASE_JWT_SECRET is set). Verification is always done here:
 * a cookie is never trusted unchecked.
 */
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';

export const LOCAL_ISSUER = 'safe-miyun';
const AUDIENCE = 'authenticated';

export type TokenClaims = JWTPayload & {
	sub: string;
	role: 'authenticated';
	email?: string;
	session_id?: string;
};

export type TokenVerifier = (token: string) => Promise<TokenClaims | null>;

function claimsOf(payload: JWTPayload): TokenClaims | null {
	if (typeof payload.sub !== 'string' || payload.role !== 'authenticated') return null;
	return payload as TokenClaims;
}

export function localSigner(secret: string) {
	const key = new TextEncoder().encode(secret);
	return {
		sign(claims: { sub: string; email: string; session_id: string }, expiresAt: Date): Promise<string> {
			return new SignJWT({ ...claims, role: 'authenticated' })
				.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
				.setIssuer(LOCAL_ISSUER)
				.setAudience(AUDIENCE)
				.setIssuedAt()
				.setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
				.sign(key);
		},
		verify: (async (token) => {
			try {
				const { payload } = await jwtVerify(token, key, {
					issuer: LOCAL_ISSUER,
					audience: AUDIENCE,
					algorithms: ['HS256']
				});
				return claimsOf(payload);
			} catch {
				return null;
			}
		}) satisfies TokenVerifier
	};
}

export function supabaseVerifier(url: string, anonKey: string, legacySecret: string | null): TokenVerifier {
	const issuer = `${url}/auth/v1`;
	// The project's API gateway may ask for the anon key on every route, JWKS included.
	const key = legacySecret
		? new TextEncoder().encode(legacySecret)
		: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), { headers: { apikey: anonKey }, timeoutDuration: 10_000 });
	return async (token) => {
		try {
			const { payload } =
				key instanceof Uint8Array
					? await jwtVerify(token, key, { issuer, audience: AUDIENCE, algorithms: ['HS256'] })
					: await jwtVerify(token, key, { issuer, audience: AUDIENCE, algorithms: ['RS256', 'ES256'] });
			return claimsOf(payload);
		} catch {
			return null;
		}
	};
}
