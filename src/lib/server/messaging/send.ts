/**
 * One batch of one channel: claim (queue.ts), send, record. The engine's sender loops
 * call it; so do tests and scripts that send what is queued once. Warning messages go
 * to the channel grouped by warning; templated messages (report updates, SMS texts) in
 * one call, stale ones recorded as expired without reaching the channel.
 */
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import type { Channel } from './channel';
import { loadDeliveryWarning, type DeliveryWarning } from './message';
import { claim, keyOf, record, type Outcome, type Recipient } from './queue';

export type WarningLoader = (id: string) => Promise<DeliveryWarning | null>;

/** Loads warnings once each (the engine keeps one per process; a transient failure is not cached). */
export function warningCache(db: Database): { load: WarningLoader; forget(id: string): void } {
	const warnings = new Map<string, Promise<DeliveryWarning | null>>();
	return {
		load(id) {
			let found = warnings.get(id);
			if (!found) {
				if (warnings.size > 200) warnings.clear();
				found = asService(db, (tx) => loadDeliveryWarning(tx, id));
				warnings.set(id, found);
				found.catch(() => warnings.get(id) === found && warnings.delete(id));
			}
			return found;
		},
		forget: (id) => void warnings.delete(id)
	};
}

export type SendOptions = {
	batch?: number;
	leaseSeconds?: number;
	warnings?: WarningLoader;
	onError?: (error: unknown) => void;
};

/** Sends one batch of a channel's queued messages; returns how many it handled. */
export async function sendOnce(db: Database, channel: Channel, options: SendOptions = {}): Promise<number> {
	const load = options.warnings ?? warningCache(db).load;
	const onError = options.onError ?? ((error) => console.error(`safe-miyun: delivery: ${(error as Error).message}`));
	const templated = channel.sendTemplated ? channel.sendTemplated.bind(channel) : null;
	const recipients = await asService(db, (tx) => claim(tx, channel.channel, options.batch ?? 250, options.leaseSeconds ?? 30, templated !== null));
	if (recipients.length === 0) return 0;
	const byWarning = new Map<string, Recipient[]>();
	const messages: Recipient[] = [];
	const outcomes: Outcome[] = [];
	for (const r of recipients) {
		if (r.template !== null) {
			if (r.stale) outcomes.push({ ...keyOf(r), state: 'expired' });
			else messages.push(r);
		} else byWarning.set(r.warningId!, [...(byWarning.get(r.warningId!) ?? []), r]);
	}
	for (const [id, group] of byWarning) {
		let w: DeliveryWarning | null;
		try {
			w = await load(id);
		} catch (error) {
			// Hand the group back for a retry in a second, instead of failing every later batch too.
			onError(error);
			const retry = new Date(Date.now() + 1000);
			outcomes.push(...group.map((r) => ({ ...keyOf(r), state: 'queued' as const, nextAt: retry, error: 'loading the warning failed' })));
			continue;
		}
		if (!w) continue; // deleted warning: its queue rows went with it
		outcomes.push(...(await channel.send(w, group)));
	}
	if (messages.length > 0 && templated) outcomes.push(...(await templated(messages, load)));
	await asService(db, (tx) => record(tx, outcomes));
	return recipients.length;
}
