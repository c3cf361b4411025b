/**
 * The SMS gateway port: one text to one number. Kept apart from the channels so the
 * SMS texts sender and the warning channel both use it without importing each other.
 */
import type { Lang } from '../../../i18n';
import type { Queryable } from '../../db/port';

/** What a text is about, so a text kept for later is never sent once it is stale. */
export type SmsAbout = { warningId: string; threadId: string; lang: Lang; validUntil: Date };

/** Sends one text to one number; throws on a failure worth retrying. */
export interface SmsGateway {
	deliver(phone: string, text: string, about?: SmsAbout): Promise<void>;
}

/**
 * Without a gateway, warning texts are kept in the queue for the console (admins read
 * them) as the template `warning` with the warning and the language, never as rendered
 * text: the SMS channel renders them from the warning if a gateway is turned on while
 * they are valid (sms/sender.ts), the console names the warning. Valid only while the warning is in
 * force and before the fan-out's deadline.
 */
export const smsCatcher = (db: { transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> }): SmsGateway => ({
	async deliver(phone, _text, about) {
		if (!about) throw new Error('the SMS catcher keeps warning texts only; other texts are kept by sms/texts.ts');
		await db.transaction((tx) =>
			tx.query(
				`insert into public.delivery_queue (channel, recipient_kind, address, template, params, expires_at, warning_id)
				 values ('sms', 'phone', $1, 'warning', $2, $3, $4)`,
				[phone, JSON.stringify({ lang: about.lang, thread: about.threadId }), about.validUntil, about.warningId]
			)
		);
	}
});

/**
 * A provider's HTTP API: POST {to, text} with a bearer token, 2xx = accepted. Operators
 * put a small adapter in front of their provider (Aliyun, Tencent Cloud, a carrier's
 * gateway) when its API differs; the URL is the operator's setting, never user input.
 */
export function httpGateway(url: string, token: string): SmsGateway {
	return {
		async deliver(phone, text) {
			const response = await fetch(url, {
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ to: `+86${phone}`, text }),
				redirect: 'error',
				signal: AbortSignal.timeout(10_000)
			});
			if (!response.ok) throw Object.assign(new Error(`SMS gateway: ${response.status}`), { status: response.status, retryAfter: response.headers.get('retry-after') });
		}
	};
}

