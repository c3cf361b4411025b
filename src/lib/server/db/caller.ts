/**
 * Every piece of request work runs in a transaction as the caller's database role,
 * with the caller's claims in `request.jwt.claims` — what PostgREST does — so the
 * RLS policies decide, here exactly as through Supabase's REST API.
 */
import type { Database, Queryable } from './port';

export type DbRole = 'anon' | 'authenticated' | 'service_role';

/** The JWT claims a request runs under (Supabase's shape; `api_key` marks machine clients). */
export type Claims = {
	role: DbRole;
	sub?: string;
	email?: string;
	session_id?: string;
	api_key?: boolean;
};

export const ANON_CLAIMS: Claims = Object.freeze({ role: 'anon' });

export function asCaller<T>(db: Database, claims: Claims, work: (tx: Queryable) => Promise<T>): Promise<T> {
	return db.transaction(async (tx) => {
		// set_config(..., true) is local to this transaction, like SET LOCAL.
		await tx.query(`select set_config('request.jwt.claims', $1, true), set_config('role', $2, true)`, [
			JSON.stringify(claims),
			claims.role
		]);
		return work(tx);
	});
}

/** For background jobs, the identity issuer and admin CLIs only — never for request data. */
export function asService<T>(db: Database, work: (tx: Queryable) => Promise<T>): Promise<T> {
	return asCaller(db, { role: 'service_role' }, work);
}
