/**
 * One-time codes (volunteer sign-in, SMS subscriptions) are never kept in clear: whoever
 * reads the outbox could otherwise take over the account. With an SMS gateway the code
 * goes straight to it and the outbox keeps "code sent"; without one the code reaches
 * nobody, except on the embedded default with demo data, where the console shows it
 * marked as demo (there is no phone to send it to). The database refuses a code in any
 * other row of the queue (check sms_codes_not_kept).
 */
import { makeT, type Lang } from '../../../i18n';
import { renderSmsText, type CodeTemplate } from '../../../sms-text';
import { asService } from '../../db/caller';
import type { Database } from '../../db/port';
import type { SmsGateway } from './gateway';
import type { MessagesFor } from '../message';
import { record } from '../queue';

export type CodeMessage = { to: string; template: CodeTemplate; code: string; minutes: number; lang: Lang };

/** 'sent': the gateway took it; 'kept': no gateway (shown only in the demo); 'failed': the gateway refused. */
export type CodeOutcome = 'sent' | 'kept' | 'failed';

export interface CodeSender {
	send(db: Database, message: CodeMessage): Promise<CodeOutcome>;
}

export function codeSender(gateway: SmsGateway | null, demo: boolean, messages: MessagesFor): CodeSender {
	return {
		async send(db, m) {
			const show = !gateway && demo;
			const params = show ? { minutes: m.minutes, code: m.code } : { minutes: m.minutes };
			// With a gateway the row is leased to this sender while the gateway takes the code,
			// so the SMS channel never claims it (it would record a code-less row expired).
			const [row] = await asService(db, (tx) =>
				tx.query<{ id: string }>(
					`insert into public.delivery_queue (channel, recipient_kind, address, template, params, expires_at, demo, lease_until)
					 values ('sms', 'phone', $1, $2, $3, now() + make_interval(mins => $4), $5, case when $6 then now() + interval '1 minute' end)
					 returning id::text as id`,
					[m.to, m.template, JSON.stringify(params), m.minutes, show, gateway !== null]
				)
			);
			if (!gateway) return 'kept';
			try {
				const t = makeT(m.lang, messages(m.lang));
				await gateway.deliver(m.to, renderSmsText(t, m.lang, { template: m.template, params: { code: m.code, minutes: m.minutes } }));
			} catch (error) {
				// Never retried from the queue (the code is not kept); the person may ask for another.
				console.error(`SMS gateway refused a ${m.template}: ${(error as Error).message}`);
				await asService(db, (tx) => record(tx, [{ id: row!.id, warningId: null, kind: 'phone', recipientId: null, state: 'failed', error: (error as Error).message }]));
				return 'failed';
			}
			await asService(db, (tx) => record(tx, [{ id: row!.id, warningId: null, kind: 'phone', recipientId: null, state: 'sent' }]));
			return 'sent';
		}
	};
}
