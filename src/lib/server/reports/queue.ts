/** What staff read: the queue and one report in full. RLS decides which rows each caller sees. */
import type { ReportCategory, ReportRating, ReportStatus, Tables } from '../../db-types.gen';
import type { Queryable } from '../db/port';

export type QueueItem = {
	id: number;
	ticket: string;
	category: ReportCategory;
	status: ReportStatus;
	town_code: string;
	department_code: string | null;
	unit_town_code: string | null;
	created_at: Date;
	due: Date | null;
	overdue: boolean;
	escalated: boolean;
	/** dispatched at filing by a routing rule (直派); the desk may dispatch it again */
	auto: boolean;
	people: number;
};

export const QUEUE_FILTERS = ['open', 'received', 'closed', 'all'] as const;
export type QueueFilter = (typeof QUEUE_FILTERS)[number];

const STATUSES: Record<QueueFilter, ReportStatus[]> = {
	open: ['received', 'dispatched', 'accepted'],
	received: ['received'],
	closed: ['closed'],
	all: ['received', 'dispatched', 'accepted', 'closed', 'merged', 'hidden']
};

export function list(tx: Queryable, filter: QueueFilter): Promise<QueueItem[]> {
	return tx.query<QueueItem>(
		`select r.id, r.ticket, r.category, r.status, r.town_code, r.department_code, r.unit_town_code, r.created_at,
		        case when r.status = 'received' then r.dispatch_due_at else r.due_at end as due,
		        case when r.status = 'received' then r.dispatch_due_at < now()
		             else r.status in ('dispatched', 'accepted') and r.due_at < now() end as overdue,
		        r.escalated_at is not null as escalated,
		        r.auto_dispatched_at is not null and r.status in ('dispatched', 'accepted') as auto,
		        (select count(*)::integer from public.report_people p where p.report_id = r.id) as people
		   from public.reports r
		  where r.status = any($1::public.report_status[])
		  order by overdue desc, due nulls last, r.id desc
		  limit 200`,
		[STATUSES[filter]]
	);
}

export type Detail = {
	report: Omit<Tables['reports'], 'token_hash' | 'idempotency_key' | 'location'> & { lat: number | null; lon: number | null; overdue: boolean; merged_ticket: string | null };
	people: { kind: string; name: string | null; phone: string | null; created_at: Date; erased_at: Date | null }[];
	events: { kind: string; public: boolean; unit: string | null; note: string | null; created_at: Date; actor_email: string | null }[];
	photos: { id: number; stage: string; width: number; height: number; redacted: boolean }[];
	cohandlers: string[];
	may: { desk: boolean; lead: boolean; handler: boolean; whistle: boolean };
	rating: ReportRating | null;
};

export async function detail(tx: Queryable, id: number): Promise<Detail | null> {
	const [report] = await tx.query<Detail['report']>(
		`select r.id, r.ticket, r.category, r.description, r.town_code, r.village_code, r.address, r.status,
		        r.department_code, r.unit_town_code, r.created_at, r.dispatch_due_at, r.dispatched_at, r.accept_due_at,
		        r.accepted_at, r.due_at, r.closed_at, r.escalated_at, r.auto_dispatched_at, r.reply, r.rating, r.rated_at, r.reopened_at,
		        r.merged_into, (select m.ticket from public.reports m where m.id = r.merged_into) as merged_ticket,
		        extensions.st_y(r.location) as lat, extensions.st_x(r.location) as lon,
		        r.status in ('dispatched', 'accepted') and r.due_at < now() as overdue
		   from public.reports r where r.id = $1`,
		[id]
	);
	if (!report) return null;
	const people = await tx.query<Detail['people'][number]>(
		'select kind, name, phone, created_at, erased_at from public.report_people where report_id = $1 order by id',
		[id]
	);
	// Staff e-mails are visible to colleagues of the same unit only (staff RLS); others show the unit.
	const events = await tx.query<Detail['events'][number]>(
		`select e.kind, e.public, e.unit, e.note, e.created_at, s.email as actor_email
		   from public.report_events e left join public.staff s on s.user_id = e.actor
		  where e.report_id = $1 order by e.id`,
		[id]
	);
	const photos = await tx.query<Detail['photos'][number]>(
		'select id, stage, width, height, bytes is null as redacted from public.report_photos where report_id = $1 order by id',
		[id]
	);
	const cohandlers = (
		await tx.query<{ department_code: string }>('select department_code from public.report_cohandlers where report_id = $1 order by 1', [id])
	).map((c) => c.department_code);
	const [may] = await tx.query<Detail['may']>(
		`select app.report_desk($2) as desk, app.report_handler($1, false) as lead, app.report_handler($1, true) as handler,
		        app.report_desk($2) or ($3::text is not null and app.report_handler($1, false)) as whistle`,
		[id, report.town_code, report.unit_town_code]
	);
	return { report, people, events, photos, cohandlers, may: may!, rating: report.rating };
}

export async function staffPhoto(tx: Queryable, id: number): Promise<{ content_type: string; bytes: Uint8Array } | null> {
	const [row] = await tx.query<{ content_type: string; bytes: Uint8Array }>(
		'select content_type, bytes from public.report_photos where id = $1 and bytes is not null',
		[id]
	);
	return row ?? null;
}
