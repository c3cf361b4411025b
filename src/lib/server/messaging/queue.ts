/**
 * The fan-out's state in Postgres, as service_role: match a warning message against
 * the subscriptions one step at a time (one small polygon per step, so the first
 * recipients are queued — and sent to — long before the match completes), claim
 * recipients with a lease, record what happened to each.
 */
import type { DeliveryChannel, DeliveryState, RecipientKind } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { ONE_SHOT, queueing, subscribersInArea } from './resolvers';

export { DRILL_PARAMETER } from './resolvers';

const AREA = queueing(subscribersInArea);
const ONE_SHOT_SQL = ONE_SHOT.map(queueing);

/**
 * Runs the next match step of one warning message that still has steps; returns the
 * warning id and the rows queued, or null when no match is waiting. Steps: the area's
 * small polygons (GiST index on the places; 1, 1, 2, 4, 8 … per step), then each
 * one-shot resolver (resolvers.ts) in turn.
 */
export async function matchStep(tx: Queryable): Promise<{ warningId: string; queued: number; done: boolean } | null> {
	const [job] = await tx.query<{ warning_id: string; next_step: number; parts: number }>(
		`select warning_id, next_step, parts from public.deliveries
		  where next_step is not null order by started_at limit 1 for update skip locked`
	);
	if (!job) return null;
	const { warning_id: id, next_step: step, parts } = job;
	// Parts [step, end): one cell first (the first recipients within moments), then
	// twice as many each step, so a large area takes a dozen steps, not hundreds.
	const end = step < parts ? Math.min(parts, Math.max(1, step * 2)) : step + 1;
	const queued =
		step < parts
			? await tx.query<{ n: number }>(AREA, [id, step, end])
			: step - parts < ONE_SHOT_SQL.length
				? await tx.query<{ n: number }>(ONE_SHOT_SQL[step - parts]!, [id])
				: [{ n: 0 }];
	const done = end >= parts + ONE_SHOT_SQL.length;
	await tx.query(
		`update public.deliveries set next_step = $2, matched_at = case when $2::int is null then now() end where warning_id = $1`,
		[id, done ? null : end]
	);
	return { warningId: id, queued: queued[0]!.n, done };
}

/** A queued message (queue.ts's key) and its recipient, by kind and id. */
export type RecipientKey = {
	/** the row's id: claim and record use it */
	id: string;
	/** the warning message sent; for a templated message, the warning it is about or null */
	warningId: string | null;
	kind: RecipientKind;
	/** null for a bare number (kind phone) */
	recipientId: string | null;
};

export type Recipient = RecipientKey & {
	attempts: number;
	/** null when the recipient (a subscription, a volunteer) was deleted after it was queued */
	lang: 'zh-CN' | 'en' | null;
	endpoint: string | null;
	p256dh: string | null;
	auth: string | null;
	phone: string | null;
	/** a WeChat subscriber's OpenID */
	openid: string | null;
	/** the fan-out's deadline for a warning message, the validity of a templated one */
	deadline: Date;
	/** null for a warning message: the warning is the content */
	template: string | null;
	params: Record<string, string | number | null> | null;
	/** a templated message that is stale (past its validity, its warning lifted): never sent */
	stale: boolean;
};

/**
 * Takes up to `limit` queued messages of a channel for `leaseSeconds`: warning messages
 * and, when the channel sends them (`templated`), messages kept as a template key and
 * parameters (report updates, SMS texts). Rows another process holds are skipped; rows
 * whose lease ran out (a sender died) are taken again.
 */
export function claim(tx: Queryable, channel: DeliveryChannel, limit: number, leaseSeconds: number, templated = false): Promise<Recipient[]> {
	return tx.query<Recipient>(
		`with c as (
		   select q.id from public.delivery_queue q
		    where q.state = 'queued' and q.channel = $1 and q.next_at <= now()
		      and (q.lease_until is null or q.lease_until < now())
		      and ($4 or q.template is null)
		    order by q.next_at limit $2 for update skip locked
		 ), u as (
		   update public.delivery_queue q
		      set lease_until = now() + make_interval(secs => $3), attempts = q.attempts + 1
		     from c where q.id = c.id
		   returning q.id, q.warning_id, q.recipient_kind, q.recipient_id, q.attempts, q.address, q.expires_at, q.template, q.params
		 )
		 select u.id::text as id, u.warning_id as "warningId", u.recipient_kind as kind, u.recipient_id as "recipientId", u.attempts,
		        coalesce(s.lang, case when v.user_id is not null or u.address is not null then 'zh-CN' end) as lang,
		        s.endpoint, s.p256dh, s.auth, coalesce(u.address, s.phone, v.phone) as phone, s.openid,
		        coalesce(d.deadline, u.expires_at) as deadline, u.template, u.params,
		        -- evaluated for templated rows only (a CASE does not run its other branch)
		        case when u.template is null then false
		             else (select app.message_state(m) <> 'waiting' from public.delivery_queue m where m.id = u.id) end as stale
		   from u
		   left join public.deliveries d on u.template is null and d.warning_id = u.warning_id
		   -- the address, by the recipient's kind (a volunteer reads Chinese texts)
		   left join public.subscriptions s on u.recipient_kind = 'subscription' and s.id = u.recipient_id
		   left join public.volunteers v on u.recipient_kind = 'volunteer' and v.user_id = u.recipient_id`,
		[channel, limit, leaseSeconds, templated]
	);
}

export type Outcome = RecipientKey & {
	state: DeliveryState;
	/** for a retry (state queued): when */
	nextAt?: Date;
	error?: string;
};

/** Records outcomes; subscriptions the push service says are gone (404/410) are deleted. */
export async function record(tx: Queryable, outcomes: Outcome[]): Promise<void> {
	if (outcomes.length === 0) return;
	await tx.query(
		`update public.delivery_queue q
		    set state = v.state::public.delivery_state,
		        sent_at = case when v.state = 'sent' then now() else q.sent_at end,
		        next_at = coalesce(v.next_at, q.next_at), lease_until = null, error = v.error
		   from unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[]) as v (id, state, next_at, error)
		  where q.id = v.id`,
		[outcomes.map((o) => o.id), outcomes.map((o) => o.state), outcomes.map((o) => o.nextAt ?? null), outcomes.map((o) => o.error?.slice(0, 200) ?? null)]
	);
	// Only a push service's 404/410 makes a recipient gone; that is a subscription.
	const gone = outcomes.filter((o) => o.state === 'gone' && o.kind === 'subscription').map((o) => o.recipientId);
	if (gone.length) await tx.query(`delete from public.subscriptions where id = any($1::uuid[])`, [gone]);
}

/**
 * Messages still queued when their time is up are not sent any more: a warning's
 * recipients after the fan-out's deadline, a templated message past its validity or
 * whose warning was lifted (app.message_state).
 */
export async function expireOverdue(tx: Queryable): Promise<number> {
	const rows = await tx.query(
		`update public.delivery_queue q set state = 'expired', lease_until = null
		   from public.deliveries d
		  where d.warning_id = q.warning_id and q.template is null and q.state = 'queued' and d.deadline < now()
		    and (q.lease_until is null or q.lease_until < now())
		 returning 1`
	);
	const messages = await tx.query(
		`update public.delivery_queue q set state = 'expired', lease_until = null
		  where q.template is not null and q.state = 'queued' and (q.lease_until is null or q.lease_until < now())
		    and app.message_state(q) = 'expired'
		 returning 1`
	);
	return rows.length + messages.length;
}

/** Tourists' subscriptions end by themselves; a number never confirmed is forgotten after a day. */
export async function deleteEnded(tx: Queryable): Promise<number> {
	const rows = await tx.query(
		`delete from public.subscriptions
		  where until < now() or (channel = 'sms' and not confirmed and code_expires < now() - interval '1 day') returning 1`
	);
	return rows.length;
}

/** When a retry should happen, or null when it would come after the deadline. */
export function retryAt(attempts: number, retryAfterSeconds: number | null, deadline: Date, now = Date.now()): Date | null {
	const backoff = Math.min(300, 2 ** Math.min(attempts, 8)) * 1000;
	const delay = retryAfterSeconds !== null ? Math.max(retryAfterSeconds * 1000, 1000) : backoff;
	const at = now + delay;
	return at >= deadline.getTime() ? null : new Date(at);
}

/** The key of a recipient's row, for its outcome. */
export function keyOf(r: RecipientKey): RecipientKey {
	return { id: r.id, warningId: r.warningId, kind: r.kind, recipientId: r.recipientId };
}
