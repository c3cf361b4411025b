/**
 * Messages to people go through channels behind one interface, `send(tx, message)`,
 * FixMyStreet-style: one module per channel. Until a real SMS provider is configured
 * (the Delivery issue), the only channel is the catcher, which keeps each message in
 * public.sms_messages for admins to read in the console — as Supabase's local mail
 * catcher does. Sending inside the caller's transaction makes a message exist exactly
 * when the change it reports does.
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

/** Keeps the message in the outbox table (service_role or a security definer caller writes it). */
export const catcher: TextSink = {
	async send(tx, message) {
		await tx.query(
			`insert into public.sms_messages (channel, recipient, template, params, expires_at, warning_id)
			 values ($1, $2, $3, $4, coalesce($5::timestamptz, now() + interval '1 day'), $6)`,
			[message.channel, message.to, message.template, JSON.stringify(message.params), message.validUntil ?? null, message.warningId ?? null]
		);
	}
};

export type SmsTextRow = {
	id: number;
	channel: string;
	recipient: string;
	template: string;
	params: Record<string, string | number | null>;
	created_at: Date;
	expires_at: Date;
	/** sent, waiting (no gateway yet, still valid) or expired (never to be sent) */
	state: 'sent' | 'waiting' | 'expired';
	/** kept for the demo: a one-time code may be shown, marked as demo */
	demo: boolean;
};

/** The latest messages; RLS shows them to admins only (others get none). */
export function latest(tx: Queryable, limit = 100): Promise<SmsTextRow[]> {
	return tx.query<SmsTextRow>(
		`select id, channel, recipient, template, params, created_at, expires_at, app.sms_message_state(m) as state, demo
		   from public.sms_messages m order by id desc limit $1`,
		[limit]
	);
}
