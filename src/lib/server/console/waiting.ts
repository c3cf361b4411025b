/**
 * What waits for the signed-in person on the console's first page: warnings they may
 * approve (app.warning_may_approve, the approval guard's rule), their own warnings
 * waiting for someone else, and reports their desk has to dispatch (app.report_desk).
 * Read as the caller: RLS decides what they see at all.
 */
import type { WarningLevel } from '../../db-types.gen';
import type { Queryable } from '../db/port';

export type WaitingWarning = { id: string; level: WarningLevel; status: string; headline_zh: string | null; headline_en: string | null; author: string | null; updated_at: Date };
export type Waiting = {
	toApprove: WaitingWarning[];
	mineWaiting: WaitingWarning[];
	toDispatch: { count: number; overdue: number };
};

const PENDING = `
	select w.id, w.level, w.status, w.updated_at,
	       (select i.headline from public.warning_infos i where i.warning_id = w.id order by i.lang <> 'zh-CN' limit 1) as headline_zh,
	       (select i.headline from public.warning_infos i where i.warning_id = w.id order by i.lang <> 'en' limit 1) as headline_en,
	       (select a.actor_label from public.warning_audit a where a.warning_id = w.id and a.action = 'submitted' order by a.id desc limit 1) as author
	  from public.warnings w
	 where w.state = 'pending'`;

export async function waitingFor(tx: Queryable): Promise<Waiting> {
	const toApprove = await tx.query<WaitingWarning>(
		`${PENDING} and exists (select 1 from public.staff s where s.user_id = auth.uid() and app.warning_may_approve(s, w.drafted_by))
		 order by w.updated_at`
	);
	const mineWaiting = await tx.query<WaitingWarning>(`${PENDING} and w.drafted_by = auth.uid() order by w.updated_at`);
	const [dispatch] = await tx.query<{ count: number; overdue: number }>(
		`select count(*)::int as count, count(*) filter (where r.dispatch_due_at < now())::int as overdue
		   from public.reports r where r.status = 'received' and app.report_desk(r.town_code)`
	);
	return { toApprove, mineWaiting, toDispatch: dispatch ?? { count: 0, overdue: 0 } };
}
