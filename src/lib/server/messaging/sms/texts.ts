/**
 * SMS texts other features send (reminders, promotions, duty texts) are rows of the one
 * queue (public.delivery_queue, channel sms, a template key + parameters): the SMS
 * channel sends them when a gateway is configured; without one they stay there for
 * admins to read in the console — as Supabase's local mail catcher does. Queueing inside
 * the caller's transaction makes a message exist exactly when the change it reports does.
 */
import type { Queryable } from '../../db/port';

export type SmsText = {
	channel: 'sms';
	/** a phone number for SMS */
	to: string;
	/** i18n key under `sms_texts.templates.` — rendered in the reader's language, never stored as text */
	template: string;
	params: Record<string, string | number | null>;
	/** never sent after this; unset: a day, or until the event in `params.starts_at` starts (SQL) */
	validUntil?: Date;
	/** a warning text: valid only while this warning message is in force */
	warningId?: string;
};

export interface TextSink {
	send(tx: Queryable, message: SmsText): Promise<void>;
}

/** Queues the message for a number (service_role or a security definer caller writes it); a day unless said (SQL). */
export const catcher: TextSink = {
	async send(tx, message) {
		await tx.query(
			`insert into public.delivery_queue (channel, recipient_kind, address, template, params, expires_at, warning_id)
			 values ($1, 'phone', $2, $3, $4, $5, $6)`,
			[message.channel, message.to, message.template, JSON.stringify(message.params), message.validUntil ?? null, message.warningId ?? null]
		);
	}
};

export type SmsTextRow = {
	id: string;
	channel: string;
	recipient: string;
	template: string;
	params: Record<string, string | number | null>;
	created_at: Date;
	expires_at: Date;
	/** sent, waiting (no gateway yet, still valid), expired (never to be sent) or failed (the gateway refused it) */
	state: 'sent' | 'waiting' | 'expired' | 'failed';
	/** kept for the demo: a one-time code may be shown, marked as demo */
	demo: boolean;
};

/** The latest texts of the queue; RLS shows them to admins only (others get none). */
export function latest(tx: Queryable, limit = 100): Promise<SmsTextRow[]> {
	return tx.query<SmsTextRow>(
		`select m.id::text as id, m.channel, m.address as recipient, m.template, m.params, m.created_at, m.expires_at,
		        app.message_state(m) as state, m.demo
		   from public.delivery_queue m
		  where m.template is not null and m.channel = 'sms' and m.address is not null
		  order by m.created_at desc, m.id desc limit $1`,
		[limit]
	);
}
