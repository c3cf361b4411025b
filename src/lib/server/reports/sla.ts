/**
 * The SLA clock: overdue reports are flagged (escalated_at), recorded on the timeline,
 * texted to the dispatchers on duty (desk and own township, through the outbox) and
 * announced (NOTIFY report_escalated); the console shows them as a badge. Safe with several
 * server processes: each claims its batch with FOR UPDATE SKIP LOCKED, so two
 * processes never escalate the same report. Also erases contact details of cases
 * closed longer ago than the retention period.
 */
import { every } from '../jobs';
import { asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';

export const RETENTION_DAYS = 180;

export type Escalated = { id: number; ticket: string };

/** One batch; run as service_role. Returns what this caller escalated. */
export async function escalateOverdue(tx: Queryable, batch = 50): Promise<Escalated[]> {
	const rows = await tx.query<Escalated>(
		`with due as (
		   select r.id from public.reports r
		    where r.escalated_at is null
		      and ((r.status = 'received' and r.dispatch_due_at < now())
		        or (r.status in ('dispatched', 'accepted') and r.due_at < now()))
		    order by coalesce(r.due_at, r.dispatch_due_at)
		    limit $1
		    for update skip locked)
		 update public.reports r set escalated_at = now() from due where r.id = due.id
		 returning r.id, r.ticket`,
		[batch]
	);
	for (const row of rows) {
		await tx.query(`insert into public.report_events (report_id, kind, public) values ($1, 'escalated', false)`, [row.id]);
		// The dispatchers on duty are texted in this transaction: once per escalation.
		await tx.query('select app.report_escalation_notify($1)', [row.id]);
	}
	if (rows.length) await tx.query(`select pg_notify('report_escalated', $1)`, [JSON.stringify(rows.map((r) => r.ticket))]);
	return rows;
}

/** Erases names and phones of reports closed (or merged, hidden) more than `days` ago. */
export async function eraseOldContacts(tx: Queryable, days = RETENTION_DAYS): Promise<number> {
	const rows = await tx.query(
		`update public.report_people p set name = null, phone = null, erased_at = now()
		   from public.reports r
		  where r.id = p.report_id and p.erased_at is null
		    and r.status in ('closed', 'merged', 'hidden')
		    and coalesce(r.closed_at, r.created_at) < now() - make_interval(days => $1)
		  returning p.id`,
		[days]
	);
	return rows.length;
}

/** Starts the clock in this process (every minute); returns a function that stops it. */
export function startSlaClock(db: Database, everyMs = 60_000): () => void {
	return every('SLA clock', everyMs, () =>
		asService(db, async (tx) => {
			await escalateOverdue(tx);
			await eraseOldContacts(tx);
		})
	);
}

/** Open reports past a deadline that the caller sees (RLS decides): the console's badge. */
export async function overdueCount(tx: Queryable): Promise<number> {
	const [row] = await tx.query<{ n: number }>(
		`select count(*)::int as n from public.reports where escalated_at is not null and status in ('received', 'dispatched', 'accepted')`
	);
	return row?.n ?? 0;
}
