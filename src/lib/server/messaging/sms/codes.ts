/**
 * One-time codes (volunteer sign-in, SMS subscriptions) are never kept in clear: whoever
 * reads the outbox could otherwise take over the account. With an SMS gateway the code
 * goes straight to it and the outbox keeps "code sent"; without one the code reaches
 * nobody, except on the embedded default with demo data, where the console shows it
 * marked as demo (there is no phone to send it to). The database refuses a code in any
 * other outbox row (check sms_codes_not_kept).
 */
import { makeT, type Lang } from '../../../i18n';
import { renderSmsText, type CodeTemplate } from '../../../sms-text';
import { asService } from '../../db/caller';
import type { Database } from '../../db/port';
import type { SmsGateway } from './gateway';
import type { MessagesFor } from '../message';

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
			const [row] = await asService(db, (tx) =>
				tx.query<{ id: number }>(
					`insert into public.sms_messages (channel, recipient, template, params, expires_at, demo)
					 values ('sms', $1, $2, $3, now() + make_interval(mins => $4), $5) returning id`,
					[m.to, m.template, JSON.stringify(params), m.minutes, show]
				)
			);
			if (!gateway) return 'kept';
			try {
				const t = makeT(m.lang, messages(m.lang));
				await gateway.deliver(m.to, renderSmsText(t, m.lang, { template: m.template, params: { code: m.code, minutes: m.minutes } }));
			} catch (error) {
				// The row stays unsent and expires with the code; the person may ask for another.
				console.error(`SMS gateway refused a ${m.template}: ${(error as Error).message}`);
				return 'failed';
			}
			await asService(db, (tx) => tx.query('update public.sms_messages set delivered_at = now() where id = $1', [row!.id]));
			return 'sent';
		}
	};
}
