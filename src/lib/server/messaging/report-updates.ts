/**
 * Report updates by Web Push (the Reports issue: "updates are pushed when a push
 * subscription exists"). A phone that holds both a report's tracking token and a
 * warnings subscription's secret may follow the report; each public step of it then
 * reaches that phone. The payload names the ticket only: the tracking link (with its
 * token, which the server never keeps) stays on the phone, where the service worker
 * finds it.
 */
import type { ReportPayload } from '../../subscriptions/payload';
import { makeT } from '../../i18n';
import { asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import type { Verdict } from './channel';
import { postPushes, pushVerdict, type PushParts } from './push';
import { endpointProblem } from './allowlist';
import { sha256 } from './subscriptions';

const TTL_SECONDS = 24 * 3600;

export async function watchReport(tx: Queryable, ticket: string, token: string, subscriptionId: string, secret: string): Promise<boolean> {
	if (!/^MY-\d{8}-\d{4,}$/.test(ticket) || !/^[0-9a-f-]{36}$/.test(subscriptionId)) return false;
	const [row] = await tx.query<{ ok: boolean }>('select app.report_watch($1, $2, $3, $4) as ok', [ticket, token, subscriptionId, sha256(secret)]);
	return row!.ok;
}

type Due = {
	id: number;
	attempts: number;
	created_at: Date;
	subscription_id: string;
	event_kind: string;
	ticket: string;
	status: string;
	lang: 'zh-CN' | 'en';
	endpoint: string;
	p256dh: string;
	auth: string;
};

/** Sends the due report pushes once; returns how many were handled. */
export async function sendReportUpdates(db: Database, parts: PushParts, limit = 100, leaseSeconds = 30): Promise<number> {
	const due = await asService(db, (tx) =>
		tx.query<Due>(
			`with c as (
			   select p.id from public.report_pushes p
			    where p.state = 'queued' and p.next_at <= now() and (p.lease_until is null or p.lease_until < now())
			    order by p.next_at limit $1 for update skip locked
			 ), u as (
			   update public.report_pushes p set lease_until = now() + make_interval(secs => $2), attempts = p.attempts + 1
			     from c where p.id = c.id
			   returning p.id, p.attempts, p.created_at, p.subscription_id, p.event_kind, p.report_id
			 )
			 select u.id, u.attempts, u.created_at, u.subscription_id, u.event_kind, r.ticket, r.status, s.lang, s.endpoint, s.p256dh, s.auth
			   from u join public.reports r on r.id = u.report_id join public.subscriptions s on s.id = u.subscription_id`,
			[limit, leaseSeconds]
		)
	);
	if (due.length === 0) return 0;
	const usable = due.filter((d) => endpointProblem(d.endpoint, parts.allow) === null);
	const t = { 'zh-CN': makeT('zh-CN', parts.messages('zh-CN')), en: makeT('en', parts.messages('en')) };
	const answers = await postPushes(
		parts,
		usable.map((d) => {
			const payload: ReportPayload = {
				v: 1,
				type: 'report',
				id: `report-${d.ticket}`,
				ticket: d.ticket,
				lang: d.lang,
				title: t[d.lang]('delivery.report_title', { ticket: d.ticket }),
				body: t[d.lang](`reports.status.${d.status}`),
				url: `/report/${d.ticket}`,
				s: d.subscription_id
			};
			return { endpoint: d.endpoint, p256dh: d.p256dh, auth: d.auth, payload: JSON.stringify(payload) };
		}),
		// no Topic: one batch holds several reports; the notification tag replaces on the phone
		{ ttl: TTL_SECONDS, urgency: 'normal' }
	);
	const results = due.map((d) => {
		const k = usable.indexOf(d);
		const a = answers[k];
		const verdict: Verdict =
			!a || a.unusable
				? { state: 'failed' }
				: pushVerdict(d.attempts, new Date(new Date(d.created_at).getTime() + TTL_SECONDS * 1000), a.status, a.retryAfter, a.error);
		return { id: d.id, state: verdict.state, next: verdict.nextAt ?? null };
	});
	await asService(db, async (tx) => {
		await tx.query(
			`update public.report_pushes p set state = v.state::public.delivery_state, next_at = coalesce(v.next_at, p.next_at), lease_until = null
			   from unnest($1::bigint[], $2::text[], $3::timestamptz[]) as v (id, state, next_at) where p.id = v.id`,
			[results.map((r) => r.id), results.map((r) => r.state), results.map((r) => r.next)]
		);
		const gone = due.filter((_, i) => results[i]!.state === 'gone').map((d) => d.subscription_id);
		if (gone.length) await tx.query('delete from public.subscriptions where id = any($1::uuid[])', [gone]);
	});
	return due.length;
}
