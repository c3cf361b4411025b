/**
 * With an SMS gateway configured, the messages other features leave in the outbox
 * (reminders, waiting-list promotions, warning texts caught while there was no gateway)
 * are sent through it, oldest first, each marked delivered once the gateway took it. A
 * failure leaves the message for the next run. A message past its validity
 * (app.sms_message_state) is marked expired and never sent, so turning a gateway on does not
 * send a used code or a warning already lifted. One-time codes are never sent from here:
 * they went to the gateway when asked for, and the outbox does not hold them.
 */
import { makeT } from '../../../i18n';
import { CODE_TEMPLATES, renderSmsText, type SmsTextParams } from '../../../sms-text';
import { asService } from '../../db/caller';
import type { Database, Queryable } from '../../db/port';
import type { SmsGateway } from './gateway';
import { loadDeliveryWarning, smsText, type MessagesFor } from '../message';

export async function sendSmsTexts(db: Database, gateway: SmsGateway, messages: MessagesFor, origin: string, limit = 50): Promise<{ sent: number; failed: number }> {
	// Recipients of the outbox are residents and volunteers: their texts are in Chinese.
	const t = makeT('zh-CN', messages('zh-CN'));
	return asService(db, async (tx) => {
		await tx.query(
			`update public.sms_messages set expired_at = now()
			  where id in (select id from public.sms_messages m
			                where delivered_at is null and expired_at is null
			                  and (app.sms_message_state(m) = 'expired' or template = any($1::text[]))
			                for update skip locked)`,
			[CODE_TEMPLATES]
		);
		const rows = await tx.query<{ id: number; recipient: string; template: string; params: SmsTextParams; warning_id: string | null }>(
			`select id, recipient, template, params, warning_id from public.sms_messages m
			  where delivered_at is null and expired_at is null and channel = 'sms' and app.sms_message_state(m) = 'waiting'
			  order by id limit $1 for update skip locked`,
			[limit]
		);
		// A warning text is kept as the warning's id and a language: rendered from the warning now.
		const render = async (q: Queryable, row: (typeof rows)[number]) => {
			if (row.template !== 'warning') return renderSmsText(t, 'zh-CN', row);
			const w = row.warning_id ? await loadDeliveryWarning(q, row.warning_id) : null;
			if (!w) throw new Error('the warning is gone');
			return smsText(w, row.params.lang === 'en' ? 'en' : 'zh-CN', origin, messages);
		};
		let sent = 0;
		let failed = 0;
		for (const row of rows) {
			try {
				await gateway.deliver(row.recipient, await render(tx, row));
				await tx.query('update public.sms_messages set delivered_at = now() where id = $1', [row.id]);
				sent += 1;
			} catch {
				failed += 1;
			}
		}
		return { sent, failed };
	});
}
