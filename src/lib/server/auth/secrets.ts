import { randomBytes } from 'node:crypto';
import { asService } from '../db/caller';
import type { Database } from '../db/port';

/**
 * A secret generated once and kept in the database (app_private.secrets), so every
 * process of the same deployment shares it. Concurrent first starts agree on one value.
 */
export async function storedSecret(db: Database, name: string, generate = () => randomBytes(48).toString('base64url')) {
	return asService(db, async (tx) => {
		await tx.query('insert into app_private.secrets (name, value) values ($1, $2) on conflict (name) do nothing', [
			name,
			generate()
		]);
		const [row] = await tx.query<{ value: string }>('select value from app_private.secrets where name = $1', [name]);
		return row!.value;
	});
}
