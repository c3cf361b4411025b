/**
 * One interface for every way a message reaches a person (FixMyStreet's SendReport
 * shape): a channel takes a batch of recipients of one warning message and says what
 * happened to each. Web Push (push.ts) and SMS (sms.ts) are the two; WeChat template
 * messages or a cell-broadcast gateway would be a third module, nothing else changes.
 */
import type { DeliveryChannel } from '../../db-types.gen';
import type { DeliveryWarning } from './message';
import { retryAt, type Outcome, type Recipient } from './queue';

export interface Channel {
	readonly channel: DeliveryChannel;
	send(warning: DeliveryWarning, recipients: Recipient[]): Promise<Outcome[]>;
}

const MAX_ATTEMPTS = 8;

/** What becomes of one message: its new state, and for a retry, when. */
export type Verdict = { state: Outcome['state']; nextAt?: Date; error?: string };

export function retryVerdict(attempts: number, deadline: Date, retryAfter: number | null, error: string): Verdict {
	if (attempts >= MAX_ATTEMPTS) return { state: 'failed', error };
	const nextAt = retryAt(attempts, retryAfter, deadline);
	return nextAt ? { state: 'queued', nextAt, error } : { state: 'expired', error };
}
