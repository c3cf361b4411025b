/**
 * Reminders 24 h and 2 h before an event. Safe in several processes: each run claims
 * due registrations with FOR UPDATE SKIP LOCKED and marks them sent in the same
 * transaction as the message is written, so each reminder goes out once.
 */
import { every } from '../jobs';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { catcher, type TextSink } from '../messaging/sms/texts';

const BATCH = 200;

/**
 * Sends the reminders due at `now`; returns how many went out. A person who signs up
 * inside the 2-hour window gets only the 2-hour reminder; one inside 24 h only the due one.
 */
export async function sendReminders(db: Database, now: Date, channel: TextSink = catcher): Promise<number> {
	let sent = 0;
	for (const window of ['2h', '24h'] as const) {
		const hours = window === '2h' ? 2 : 24;
		for (;;) {
			const batch = await asService(db, async (tx) => {
				const due = await tx.query<{ id: string; phone: string; title_zh: string; title_en: string; starts_at: Date; place: string; code: string; event_id: string }>(
					`select r.id, v.phone, e.title_zh, e.title_en, e.starts_at, e.place, r.code, e.id as event_id
					   from public.volunteer_registrations r
					   join public.volunteer_events e on e.id = r.event_id
					   join public.volunteers v on v.user_id = r.volunteer_id
					  where r.status = 'confirmed' and e.status in ('open', 'full')
					    and e.starts_at > $1 and e.starts_at <= $1 + make_interval(hours => $2)
					    and ${window === '2h' ? 'r.reminded_2h_at is null' : 'r.reminded_24h_at is null and r.reminded_2h_at is null'}
					  order by e.starts_at, r.id
					  limit $3
					  for update of r skip locked`,
					[now, hours, BATCH]
				);
				for (const r of due) {
					await channel.send(tx, {
						channel: 'sms',
						to: r.phone,
						template: `reminder_${window}`,
						params: { event_id: r.event_id, title_zh: r.title_zh, title_en: r.title_en, starts_at: new Date(r.starts_at).toISOString(), place: r.place, code: r.code }
					});
				}
				if (due.length) {
					// The 2-hour reminder also settles the 24-hour one: nobody gets both at once.
					await tx.query(
						`update public.volunteer_registrations set reminded_${window}_at = $2${window === '2h' ? ', reminded_24h_at = coalesce(reminded_24h_at, $2)' : ''}
						  where id = any($1::uuid[])`,
						[due.map((r) => r.id), now]
					);
				}
				return due.length;
			});
			sent += batch;
			if (batch < BATCH) break;
		}
	}
	return sent;
}

/** Runs the reminder job every minute from server start; returns the stop function. */
export function startVolunteerJobs(services: { db: Database }, everyMs = 60_000): () => void {
	return every('volunteer reminders', everyMs, () => sendReminders(services.db, new Date()));
}
