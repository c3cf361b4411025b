/**
 * API keys for machine clients: `smk_` + 32 random bytes, shown once; only the
 * SHA-256 is stored (a key has full entropy, so a slow hash adds nothing).
 */
import { createHash, randomBytes } from 'node:crypto';
import { asService } from '../db/caller';
import type { Database } from '../db/port';

export const API_KEY_ROLES = ['warning_issuer', 'dispatcher', 'open311', 'eew_network'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];
const PREFIX = 'smk_';

export function isApiKey(token: string): boolean {
	return token.startsWith(PREFIX);
}

function digest(key: string): string {
	return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(db: Database, name: string, role: ApiKeyRole): Promise<string> {
	const key = PREFIX + randomBytes(32).toString('base64url');
	await asService(db, (tx) =>
		tx.query('insert into public.api_keys (name, role, prefix, key_hash) values ($1, $2, $3, $4)', [
			name,
			role,
			key.slice(0, 12),
			digest(key)
		])
	);
	return key;
}

export type ApiKeyIdentity = { id: string; name: string; role: ApiKeyRole };

export async function findApiKey(db: Database, key: string): Promise<ApiKeyIdentity | null> {
	if (!isApiKey(key) || key.length > 100) return null;
	return asService(db, async (tx) => {
		const [row] = await tx.query<ApiKeyIdentity & { stale: boolean }>(
			`select id, name, role, (last_used_at is null or last_used_at < now() - interval '1 minute') as stale
			   from public.api_keys where key_hash = $1 and revoked_at is null`,
			[digest(key)]
		);
		if (!row) return null;
		// Record use at most once a minute: a busy feed must not rewrite the row per request.
		if (row.stale) await tx.query('update public.api_keys set last_used_at = now() where id = $1', [row.id]);
		return { id: row.id, name: row.name, role: row.role };
	});
}
