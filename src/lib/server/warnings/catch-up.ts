/**
 * What the `warnings` channel would have said while this process was not listening: a
 * payload, in the NOTIFY trigger's shape (app.warnings_after), for every message issued
 * since then — new alerts, updates and cancels alike (an ended message is announced by
 * the message that ended it, as the trigger does).
 */
import { asService } from '../db/caller';
import type { Database } from '../db/port';

/** `since` is a database time; a second earlier is also asked for: a repeat is harmless, a gap is not. */
export async function issuedSince(db: Database, since: string): Promise<string[]> {
	const rows = await asService(db, (tx) =>
		tx.query<{ payload: string }>(
			`select json_build_object('thread', w.thread_id, 'id', w.id, 'msgType', w.msg_type)::text as payload
			   from public.warnings w
			  where w.state = 'issued' and w.updated_at >= $1::timestamptz - interval '1 second'
			  order by w.updated_at, w.id`,
			[since]
		)
	);
	return rows.map((r) => r.payload);
}

/**
 * Catch-up that is owed until it succeeds: a catch-up cut short by the database going
 * away again is repeated from the earliest time still owed at the next reconnect.
 */
export function catchUp(db: Database, emit: (payload: string) => void): (since: string) => void {
	let owed: string | null = null;
	return (since) => {
		if (!owed || Date.parse(since) < Date.parse(owed)) owed = since;
		const from = owed;
		issuedSince(db, from).then(
			(payloads) => {
				if (owed === from) owed = null;
				for (const payload of payloads) emit(payload);
			},
			() => undefined // still owed: the next reconnect asks again
		);
	};
}
