/**
 * Who receives a warning message, as data: each resolver is a named query that yields
 * (recipient kind, recipient id, channel) for one message. The fan-out's match runs
 * them one step at a time (queue.ts): the area's small polygons first, progressively,
 * then each of the one-shot resolvers below in order. A new kind of recipient (staff
 * on duty, WeChat followers) is a new entry here, not a new branch in the matcher.
 *
 * Every query takes $1 = the warning message's id; the area resolver also $2, $3 =
 * the range of area parts of this step. Aliases: w the message, s a subscription.
 */
import type { RecipientKind } from '../../db-types.gen';

/** The CAP parameter that ties an Exercise warning to its drill (volunteers/drill-warning.ts sets it). */
export const DRILL_PARAMETER = 'safeMiyunVolunteerEventId';

export type Resolver = {
	name: string;
	kind: RecipientKind;
	/** select warning_id, recipient_id, channel */
	select: string;
};

/** Whether a subscription wants this warning message: one rule in SQL (app.delivery_wants, inlined). */
const WANTS = `app.delivery_wants(s, w)`;

/**
 * Subscribers with a point inside area parts [$2, $3) (GiST index on the places). In SQL
 * (app.delivery_area_recipients) because the issuing transaction's trigger matches the
 * first cell with it too, before the warning commits.
 */
export const subscribersInArea: Resolver = {
	name: 'subscribers in the area',
	kind: 'subscription',
	select: `select r.warning_id, r.recipient_id, r.channel from app.delivery_area_recipients($1, $2, $3) r`
};

/** After the area, in this order, one step each. */
export const ONE_SHOT: readonly Resolver[] = [
	{
		name: 'subscribers of villages in the area',
		kind: 'subscription',
		// a village: its imported point buffered, its polygon, or else its township's area
		select: `select distinct w.id, s.id, s.channel
			  from public.warnings w
			  join public.village_areas va on app.area_touches(w.area, va.area)
			  join public.subscription_places p on p.village_code = va.code
			  join public.subscriptions s on s.id = p.subscription_id
			 where w.id = $1 and w.msg_type <> 'Cancel' and ${WANTS}`
	},
	{
		name: 'subscribers of townships in the area',
		kind: 'subscription',
		// a visit's township place (no point, no village): the township's area
		select: `select distinct w.id, s.id, s.channel
			  from public.warnings w
			  join public.town_areas ta on app.area_touches(w.area, ta.area)
			  join public.subscription_places p on p.town_code = ta.code and p.geom is null and p.village_code is null
			  join public.subscriptions s on s.id = p.subscription_id
			 where w.id = $1 and w.msg_type <> 'Cancel' and ${WANTS}`
	},
	{
		// An Update or Cancel reaches everyone an earlier message of the warning reached,
		// so their notification is replaced or closed. A Cancel reaches only those.
		name: 'earlier recipients of the warning',
		kind: 'subscription',
		select: `select distinct w.id, s.id, s.channel
			  from public.warnings w
			  join public.warnings o on o.thread_id = w.thread_id and o.id <> w.id
			  join public.delivery_queue q on q.warning_id = o.id and q.state = 'sent' and q.recipient_kind = 'subscription'
			  join public.subscriptions s on s.id = q.recipient_id
			 where w.id = $1 and w.msg_type <> 'Alert'`
	},
	{
		// a drill's Exercise warning: its confirmed participants, by text to their volunteer phone
		name: 'confirmed participants of the drill',
		kind: 'volunteer',
		select: `select w.id, r.volunteer_id, 'sms'::public.delivery_channel
			  from public.warnings w
			  join public.volunteer_registrations r on r.status = 'confirmed'
			   and r.event_id::text = (select p ->> 'value' from jsonb_array_elements(w.parameters) p
			                            where p ->> 'valueName' = '${DRILL_PARAMETER}' limit 1)
			 where w.id = $1 and w.status = 'Exercise' and w.msg_type <> 'Cancel'`
	}
];

/** The statement that queues a resolver's recipients; counts them. */
export function queueing(resolver: Resolver): string {
	return `with ins as (
		insert into public.delivery_queue (warning_id, recipient_id, channel, recipient_kind)
		select r.*, '${resolver.kind}'::public.recipient_kind from (${resolver.select}) r
		on conflict do nothing returning 1)
		select count(*)::int as n from ins`;
}
