/**
 * The fan-out's state in Postgres, as service_role: match a warning message against
 * the subscriptions one step at a time (one small polygon per step, so the first
 * recipients are queued — and sent to — long before the match completes), claim
 * recipients with a lease, record what happened to each.
 */
import type { DeliveryChannel, DeliveryState } from '../../db-types.gen';
import type { Queryable } from '../db/port';

/** The CAP parameter that ties an Exercise warning to its drill (volunteers/drill-warning.ts sets it). */
export const DRILL_PARAMETER = 'safeMiyunVolunteerEventId';

/** Whether a subscription wants this warning message (aliases: s subscription, w warning). */
const WANTS = `
	s.confirmed and (s.until is null or s.until > now())
	and (cardinality(s.hazards) = 0 or w.hazard = any(s.hazards))
	and s.min_level <= w.level
	and (w.status = 'Actual' or s.exercises)`;

/**
 * Runs the next match step of one warning message that still has steps; returns the
 * warning id and the rows queued, or null when no match is waiting. Steps:
 * the area's small polygons (GiST index on the places; 1, 1, 2, 4, 8 … per step), then villages
 * through their township's area, then — for an Update or Cancel — everyone an
 * earlier message of the same warning reached, so their notification is replaced or
 * closed. A Cancel reaches only those.
 */
export async function matchStep(tx: Queryable): Promise<{ warningId: string; queued: number; done: boolean } | null> {
	const [job] = await tx.query<{ warning_id: string; next_step: number; parts: number }>(
		`select warning_id, next_step, parts from public.deliveries
		  where next_step is not null order by started_at limit 1 for update skip locked`
	);
	if (!job) return null;
	const { warning_id: id, next_step: step, parts } = job;
	let sql: string;
	let params: unknown[];
	// Parts [step, end): one cell first (the first recipients within moments), then
	// twice as many each step, so a large area takes a dozen steps, not hundreds.
	const end = step < parts ? Math.min(parts, Math.max(1, step * 2)) : step + 1;
	if (step < parts) {
		sql = `insert into public.delivery_queue (warning_id, subscription_id, channel)
			select distinct w.id, s.id, s.channel
			  from public.delivery_area_parts a
			  join public.warnings w on w.id = a.warning_id
			  join public.subscription_places p on extensions.st_intersects(p.geom, a.geom)
			  join public.subscriptions s on s.id = p.subscription_id
			 where a.warning_id = $1 and a.n >= $2 and a.n < $3 and w.msg_type <> 'Cancel' and ${WANTS}
			on conflict do nothing`;
		params = [id, step, end];
	} else if (step === parts) {
		sql = `insert into public.delivery_queue (warning_id, subscription_id, channel)
			select distinct w.id, s.id, s.channel
			  from public.warnings w
			  -- a village: its imported point buffered, its polygon, or else its township's area
			  join public.village_areas va on app.area_touches(w.area, va.area)
			  join public.subscription_places p on p.village_code = va.code
			  join public.subscriptions s on s.id = p.subscription_id
			 where w.id = $1 and w.msg_type <> 'Cancel' and ${WANTS}
			on conflict do nothing`;
		params = [id];
	} else {
		sql = `insert into public.delivery_queue (warning_id, subscription_id, channel)
			select distinct w.id, s.id, s.channel
			  from public.warnings w
			  join public.warnings o on o.thread_id = w.thread_id and o.id <> w.id
			  join public.delivery_queue q on q.warning_id = o.id and q.state = 'sent'
			  join public.subscriptions s on s.id = q.subscription_id
			 where w.id = $1 and w.msg_type <> 'Alert'
			union
			-- a drill's Exercise warning: its confirmed participants, by text to their volunteer phone
			select w.id, r.volunteer_id, 'sms'::public.delivery_channel
			  from public.warnings w
			  join public.volunteer_registrations r on r.status = 'confirmed'
			   and r.event_id::text = (select p ->> 'value' from jsonb_array_elements(w.parameters) p
			                            where p ->> 'valueName' = '${DRILL_PARAMETER}' limit 1)
			 where w.id = $1 and w.status = 'Exercise' and w.msg_type <> 'Cancel'
			on conflict do nothing`;
		params = [id];
	}
	const queued = await tx.query(`with ins as (${sql} returning 1) select count(*)::int as n from ins`, params);
	const done = end > parts + 1;
	await tx.query(
		`update public.deliveries set next_step = $2, matched_at = case when $2::int is null then now() end where warning_id = $1`,
		[id, done ? null : end]
	);
	return { warningId: id, queued: (queued[0] as { n: number }).n, done };
}

export type Recipient = {
	warningId: string;
	subscriptionId: string;
	attempts: number;
	/** null when the subscription was deleted after it was queued */
	lang: 'zh-CN' | 'en' | null;
	endpoint: string | null;
	p256dh: string | null;
	auth: string | null;
	phone: string | null;
	deadline: Date;
};

/**
 * Takes up to `limit` queued recipients of a channel for `leaseSeconds`. Rows another
 * process holds are skipped; rows whose lease ran out (a sender died) are taken again.
 */
export function claim(tx: Queryable, channel: DeliveryChannel, limit: number, leaseSeconds: number): Promise<Recipient[]> {
	return tx.query<Recipient>(
		`with c as (
		   select q.warning_id, q.subscription_id from public.delivery_queue q
		    where q.state = 'queued' and q.channel = $1 and q.next_at <= now()
		      and (q.lease_until is null or q.lease_until < now())
		    order by q.next_at limit $2 for update skip locked
		 ), u as (
		   update public.delivery_queue q
		      set lease_until = now() + make_interval(secs => $3), attempts = q.attempts + 1
		     from c where q.warning_id = c.warning_id and q.subscription_id = c.subscription_id
		   returning q.warning_id, q.subscription_id, q.attempts
		 )
		 select u.warning_id as "warningId", u.subscription_id as "subscriptionId", u.attempts,
		        coalesce(s.lang, case when v.user_id is not null then 'zh-CN' end) as lang,
		        s.endpoint, s.p256dh, s.auth, coalesce(s.phone, v.phone) as phone, d.deadline
		   from u join public.deliveries d on d.warning_id = u.warning_id
		   left join public.subscriptions s on s.id = u.subscription_id
		   -- a drill's participant is a recipient by their volunteer id
		   left join public.volunteers v on v.user_id = u.subscription_id and s.id is null`,
		[channel, limit, leaseSeconds]
	);
}

export type Outcome = {
	warningId: string;
	subscriptionId: string;
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
		   from unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[]) as v (warning_id, subscription_id, state, next_at, error)
		  where q.warning_id = v.warning_id and q.subscription_id = v.subscription_id`,
		[
			outcomes.map((o) => o.warningId),
			outcomes.map((o) => o.subscriptionId),
			outcomes.map((o) => o.state),
			outcomes.map((o) => o.nextAt ?? null),
			outcomes.map((o) => o.error?.slice(0, 200) ?? null)
		]
	);
	const gone = outcomes.filter((o) => o.state === 'gone').map((o) => o.subscriptionId);
	if (gone.length) await tx.query(`delete from public.subscriptions where id = any($1::uuid[])`, [gone]);
}

/** Recipients still queued when their message's time is up are not sent any more. */
export async function expireOverdue(tx: Queryable): Promise<number> {
	const rows = await tx.query(
		`update public.delivery_queue q set state = 'expired', lease_until = null
		   from public.deliveries d
		  where d.warning_id = q.warning_id and q.state = 'queued' and d.deadline < now()
		    and (q.lease_until is null or q.lease_until < now())
		 returning 1`
	);
	return rows.length;
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
