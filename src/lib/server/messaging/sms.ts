/**
 * The SMS channel: a warning text per recipient, through a gateway. The gateway is the
 * operator's provider (httpGateway) or, without one, the catcher that keeps the text's
 * template and parameters in the queue for the console (sms/texts.ts). With a gateway
 * it also sends the texts other features queue (`templated`, sms/sender.ts).
 */
import { retryVerdict, type Channel } from './channel';
import { smsText, type MessagesFor } from './message';
import { keyOf, type Outcome } from './queue';
import type { SmsGateway } from './sms/gateway';

export function smsChannel(gateway: SmsGateway, origin: string, messages: MessagesFor, templated?: Channel['sendTemplated']): Channel {
	return {
		channel: 'sms',
		...(templated ? { sendTemplated: templated } : {}),
		async send(w, recipients) {
			const texts = { 'zh-CN': smsText(w, 'zh-CN', origin, messages), en: smsText(w, 'en', origin, messages) };
			return Promise.all(
				recipients.map(async (r): Promise<Outcome> => {
					const id = keyOf(r);
					if (!r.phone || !r.lang) return { ...id, state: 'gone', error: 'subscription deleted' };
					if (r.deadline.getTime() <= Date.now()) return { ...id, state: 'expired' };
					try {
						await gateway.deliver(r.phone, texts[r.lang], { warningId: w.id, threadId: w.threadId, lang: r.lang, validUntil: r.deadline });
						return { ...id, state: 'sent' };
					} catch (error) {
						const status = (error as { status?: number }).status ?? 0;
						if (status >= 400 && status < 500 && status !== 429) return { ...id, state: 'failed', error: (error as Error).message };
						return { ...id, ...retryVerdict(r.attempts, r.deadline, null, (error as Error).message) };
					}
				})
			);
		}
	};
}
