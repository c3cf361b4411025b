/**
 * Retention (PIPL): personal data is kept only as long as it is needed. The periods live
 * in one place, SQL (`app.prune_personal_data()`, documented in docs/security.md); this
 * job runs it every hour in each server process (row locks and idempotent deletes make
 * concurrent runs harmless).
 */
import { asService } from './db/caller';
import type { Database } from './db/port';
import { every } from './jobs';

export type Pruned = Record<string, number>;

export async function prunePersonalData(db: Database): Promise<Pruned> {
	const rows = await asService(db, (tx) =>
		tx.query<{ kind: string; removed: number }>(
			'select kind, removed from app.prune_personal_data() union all select kind, removed from app.prune_evacuation_marks()' +
				' union all select kind, removed from app.prune_ended_subscriptions()'
		)
	);
	return Object.fromEntries(rows.map((r) => [r.kind, Number(r.removed)]));
}

export function startRetention(db: Database, everyMs = 3600_000): () => void {
	return every('retention', everyMs, () => prunePersonalData(db));
}
