/**
 * Who is calling: anonymous, a signed-in staff member, or a machine client with an
 * API key — and the claims its database work runs under.
 */
import type { StaffRole } from '../../db-types.gen';
import { asService, ANON_CLAIMS, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { findApiKey, isApiKey, type ApiKeyRole } from './api-keys';
import type { TokenVerifier } from './tokens';

export type StaffIdentity = {
	kind: 'staff';
	userId: string;
	email: string;
	displayName: string | null;
	role: StaffRole;
	departmentCode: string | null;
	townCode: string | null;
	sessionId: string | null;
};
export type Identity = { kind: 'anon' } | StaffIdentity | { kind: 'apikey'; id: string; name: string; role: ApiKeyRole };

export const ANON: Identity = Object.freeze({ kind: 'anon' });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function claimsFor(identity: Identity): Claims {
	switch (identity.kind) {
		case 'anon':
			return ANON_CLAIMS;
		case 'staff':
			return {
				role: 'authenticated',
				sub: identity.userId,
				email: identity.email,
				...(identity.sessionId ? { session_id: identity.sessionId } : {})
			};
		case 'apikey':
			return { role: 'authenticated', sub: identity.id, api_key: true };
	}
}

/**
 * `checkSession`: the built-in issuer's sessions live in app_private.sessions and a
 * token is good only while its session is (sign-out ends it). Supabase's sessions are
 * Supabase's, so there the signature and expiry decide.
 */
export async function staffFromToken(
	db: Database,
	verify: TokenVerifier,
	token: string,
	checkSession: boolean
): Promise<StaffIdentity | null> {
	const claims = await verify(token);
	// A signed token can still carry ids that are not UUIDs: nobody, not a database error.
	if (!claims || !UUID.test(claims.sub)) return null;
	const sessionId = checkSession ? (claims.session_id ?? null) : null;
	if (checkSession && (!sessionId || !UUID.test(sessionId))) return null;
	const [row] = await asService(db, (tx) =>
		tx.query<Omit<StaffIdentity, 'kind' | 'sessionId'>>(
			`select s.user_id as "userId", s.email, s.display_name as "displayName", s.role,
			        s.department_code as "departmentCode", s.town_code as "townCode"
			   from public.staff s
			  where s.user_id = $1 and s.active
			    and (not $3 or exists (
			          select from app_private.sessions ss
			           where ss.id = $2::uuid and ss.user_id = s.user_id and ss.revoked_at is null and ss.expires_at > now()))`,
			[claims.sub, sessionId, checkSession]
		)
	);
	return row ? { kind: 'staff', ...row, sessionId } : null;
}

export type Credentials = { bearer: string | null; sessionToken: string | null };

/** A bearer token that is not an API key is taken as a staff JWT (as Supabase clients send). */
export async function resolveIdentity(
	db: Database,
	verify: TokenVerifier,
	checkSession: boolean,
	{ bearer, sessionToken }: Credentials
): Promise<Identity | 'invalid'> {
	if (bearer) {
		if (isApiKey(bearer)) {
			const key = await findApiKey(db, bearer);
			return key ? { kind: 'apikey', ...key } : 'invalid';
		}
		return (await staffFromToken(db, verify, bearer, checkSession)) ?? 'invalid';
	}
	if (sessionToken) return (await staffFromToken(db, verify, sessionToken, checkSession)) ?? ANON;
	return ANON;
}
