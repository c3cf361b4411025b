/**
 * With an SMS gateway configured, the messages other features leave in the outbox
 * (volunteer sign-in codes, reminders) are sent through it, oldest first, each marked
 * delivered once the gateway took it. A failure leaves the message for the next run.
 */
import { makeT } from '../../i18n';
import { renderOutbox, type OutboxParams } from '../../outbox';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import type { SmsGateway } from '../delivery/channels';
import type { MessagesFor } from '../delivery/message';

export async function sendOutbox(db: Database, gateway: SmsGateway, messages: MessagesFor, limit = 50): Promise<{ sent: number; failed: number }> {
	// Recipients of the outbox are residents and volunteers: their texts are in Chinese.
	const t = makeT('zh-CN', messages('zh-CN'));
	return asService(db, async (tx) => {
		const rows = await tx.query<{ id: number; recipient: string; template: string; params: OutboxParams }>(
			`select id, recipient, template, params from public.outbox_messages
			  where delivered_at is null and channel = 'sms' order by id limit $1 for update skip locked`,
			[limit]
		);
		let sent = 0;
		let failed = 0;
		for (const row of rows) {
			try {
				await gateway.deliver(row.recipient, renderOutbox(t, 'zh-CN', row));
				await tx.query('update public.outbox_messages set delivered_at = now() where id = $1', [row.id]);
				sent += 1;
			} catch {
				failed += 1;
			}
		}
		return { sent, failed };
	});
}
