/**
 * With an SMS gateway configured, the texts other features queue (reminders, waiting-list
 * promotions, duty texts, warning texts kept while there was no gateway) are the SMS
 * channel's templated messages: claimed from the one queue with the warning texts, oldest
 * first, rendered here and recorded sent once the gateway took them; a failure is retried
 * with the fan-out's backoff until the text's validity ends. A text past its validity
 * (app.message_state) is recorded expired before it reaches here (send.ts), so turning a
 * gateway on does not send a warning already lifted. One-time codes are never sent from
 * here: they went to the gateway when asked for, and the queue does not hold them.
 */
import { makeT } from '../../../i18n';
import type { Database } from '../../db/port';
import { isCodeTemplate, renderSmsText, type SmsTextParams } from '../../../sms-text';
import { retryVerdict, type Channel } from '../channel';
import { smsText, type MessagesFor } from '../message';
import { keyOf, type Outcome } from '../queue';
import { sendOnce } from '../send';
import { smsChannel } from '../sms';
import type { SmsGateway } from './gateway';

export function smsTexts(gateway: SmsGateway, messages: MessagesFor, origin: string): NonNullable<Channel['sendTemplated']> {
	// Recipients of these texts are residents, volunteers and staff: their texts are in Chinese.
	const t = makeT('zh-CN', messages('zh-CN'));
	return async (texts, warning) => {
		const outcomes: Outcome[] = [];
		// One at a time, oldest first, as the queue gave them.
		for (const m of texts) {
			const key = keyOf(m);
			if (isCodeTemplate(m.template!)) {
				outcomes.push({ ...key, state: 'expired', error: 'a code is sent when asked for, never later' });
				continue;
			}
			if (!m.phone) {
				outcomes.push({ ...key, state: 'gone', error: 'no number' });
				continue;
			}
			try {
				// A warning text is kept as the warning's id and a language: rendered from the warning now.
				let text: string;
				if (m.template === 'warning') {
					const w = m.warningId ? await warning(m.warningId) : null;
					if (!w) {
						outcomes.push({ ...key, state: 'expired', error: 'the warning is gone' });
						continue;
					}
					text = smsText(w, m.params?.lang === 'en' ? 'en' : 'zh-CN', origin, messages);
				} else text = renderSmsText(t, 'zh-CN', { template: m.template!, params: (m.params ?? {}) as SmsTextParams });
				await gateway.deliver(m.phone, text);
				outcomes.push({ ...key, state: 'sent' });
			} catch (error) {
				const status = (error as { status?: number }).status ?? 0;
				if (status >= 400 && status < 500 && status !== 429) outcomes.push({ ...key, state: 'failed', error: (error as Error).message });
				else outcomes.push({ ...key, ...retryVerdict(m.attempts, m.deadline, null, (error as Error).message) });
			}
		}
		return outcomes;
	};
}

/** One batch of the queue's texts through `gateway`, as the engine's SMS lanes send it (tests, scripts); how many it handled. */
export function sendSmsOnce(db: Database, gateway: SmsGateway, messages: MessagesFor, origin: string): Promise<number> {
	return sendOnce(db, smsChannel(gateway, origin, messages, smsTexts(gateway, messages, origin)));
}
