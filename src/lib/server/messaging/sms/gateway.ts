/**
 * The SMS gateway port: one text to one number. Kept apart from the channels so the
 * SMS texts sender and the warning channel both use it without importing each other.
 */
import type { Queryable } from '../../db/port';

/** What a text is about, so a text kept for later is never sent once it is stale. */
export type SmsAbout = { warningId?: string; validUntil?: Date };

/** Sends one text to one number; throws on a failure worth retrying. */
export interface SmsGateway {
	deliver(phone: string, text: string, about?: SmsAbout): Promise<void>;
}

/**
 * Without a gateway, texts are kept in the console's outbox (admins read them), with
 * their validity: a warning text only while its warning is in force.
 */
export const smsCatcher = (db: { transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> }): SmsGateway => ({
	async deliver(phone, text, about = {}) {
		await db.transaction((tx) =>
			tx.query(
				`insert into public.outbox_messages (channel, recipient, template, params, expires_at, warning_id)
				 values ('sms', $1, 'text', $2, coalesce($3::timestamptz, now() + interval '1 day'), $4)`,
				[phone, JSON.stringify({ text }), about.validUntil ?? null, about.warningId ?? null]
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

