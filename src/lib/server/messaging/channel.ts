/**
 * One interface for every way a message reaches a person (FixMyStreet's SendReport
 * shape): a channel takes a batch of recipients of one warning message and says what
 * happened to each; a channel that also carries messages kept as a template key and
 * parameters (report updates by push, SMS texts) takes those in `sendTemplated`. Web
 * Push (push.ts), SMS (sms.ts) and WeChat (wechat.ts) are the modules; a cell-broadcast
 * gateway would be one more, nothing else changes. All of them are rows of the one queue,
 * claimed and recorded by queue.ts.
 */
import type { DeliveryChannel } from '../../db-types.gen';
import type { DeliveryWarning } from './message';
import { retryAt, type Outcome, type Recipient } from './queue';

export interface Channel {
	readonly channel: DeliveryChannel;
	send(warning: DeliveryWarning, recipients: Recipient[]): Promise<Outcome[]>;
	/**
	 * Messages with a template (`Recipient.template`), any mix of templates; `warning`
	 * loads the warning a message is about. Absent: the channel's templated messages stay
	 * queued (SMS texts without a gateway: the console reads them).
	 */
	sendTemplated?(messages: Recipient[], warning: (id: string) => Promise<DeliveryWarning | null>): Promise<Outcome[]>;
}

const MAX_ATTEMPTS = 8;

/** What becomes of one message: its new state, and for a retry, when. */
export type Verdict = { state: Outcome['state']; nextAt?: Date; error?: string };

export function retryVerdict(attempts: number, deadline: Date, retryAfter: number | null, error: string): Verdict {
	if (attempts >= MAX_ATTEMPTS) return { state: 'failed', error };
	const nextAt = retryAt(attempts, retryAfter, deadline);
	return nextAt ? { state: 'queued', nextAt, error } : { state: 'expired', error };
}
