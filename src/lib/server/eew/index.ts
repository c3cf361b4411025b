/**
 * Receiving an earthquake early warning (the JSON endpoint, the CAP import, a console
 * drill): stored as the caller — the database decides who may — and, when it is new and
 * the latest revision of its event, pushed at once by this process. The live channel
 * learns of it from the database's NOTIFY in every process.
 */
import type { EewFacts } from '../../eew/message';
import { asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import type { Delivery } from '../messaging';
import { eewById, issueEew, startDrill, type Issued } from './store';

type Run = <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>;

/** Starts the push fan-out; the caller's answer does not wait for it. */
function fanOut(db: Database, delivery: Delivery, id: string, facts: EewFacts): void {
	void delivery
		.eew(facts)
		.then((r) => asService(db, (tx) => tx.query('update public.eew_messages set pushed = $2 where id = $1', [id, r.accepted])))
		.catch((error) => console.error(`safe-miyun: eew push: ${(error as Error).message}`));
}

export async function receiveEew(run: Run, db: Database, delivery: Delivery, facts: EewFacts, source: 'api' | 'cap'): Promise<Issued> {
	const issued = await run((tx) => issueEew(tx, facts, source));
	if (issued.created && issued.latest) fanOut(db, delivery, issued.id, facts);
	return issued;
}

export async function receiveDrill(run: Run, db: Database, delivery: Delivery, town: string, magnitude: number, depthKm: number): Promise<string> {
	const id = await run((tx) => startDrill(tx, town, magnitude, depthKm));
	const facts = await asService(db, (tx) => eewById(tx, id));
	if (facts) fanOut(db, delivery, id, facts);
	return id;
}
