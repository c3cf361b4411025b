/**
 * The fastest path of an earthquake early warning to phones: no queue, no per-recipient
 * rows, no approval — seconds decide whether anyone can take cover.
 *
 * The process that received the message sends it itself, straight after the commit:
 * recipients are the push subscriptions with a place inside the loud radius (the same
 * rule the devices apply, from $lib/eew/intensity), nearest first — they have the least
 * time. The first ones come from a KNN index scan that returns in milliseconds; the rest
 * are read while those are already on their way. One payload per language, about 150
 * bytes, from which the device computes distance, intensity and countdown itself.
 * `Urgency: very-high` (RFC 8030 §5.3: wake the device at once), TTL what is left of
 * EEW_LIFETIME_S after the origin (a warning that arrives later is history), Topic per
 * event so a revision replaces a revision the push service still holds.
 *
 * If this process dies while sending, the rest is not sent: by the time a lease would
 * run out the S-wave has crossed the district. Subscriptions the push service calls gone
 * are left for the ordinary fan-out's bookkeeping.
 */
import { createHash } from 'node:crypto';
import { LANGS, type Lang } from '../../i18n';
import { loudRadiusKm } from '../../eew/intensity';
import { EEW_LIFETIME_S, toWire, type EewFacts } from '../../eew/message';
import { EEW_URGENCY } from '../../subscriptions/urgency';
import { asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { endpointProblem } from './allowlist';
import { postPushes, type PushItem, type PushParts } from './push';

/** Recipients sent at once before the full list is read: the nearest, by index. */
const FIRST = 100;
/** Recipients per request group afterwards, and groups in flight. */
const GROUP = 500;
const IN_FLIGHT = 4;

export type EewPushResult = { recipients: number; accepted: number; radiusKm: number };

type Target = { id: string; endpoint: string; p256dh: string; auth: string; lang: Lang };

const FILTER = `s.channel = 'push' and (s.until is null or s.until > now())
  and (cardinality(s.hazards) = 0 or 'earthquake' = any (s.hazards))
  and (not $4 or s.exercises)`;

/** The nearest point places first (KNN on the places' GiST index), within the radius. */
function nearest(tx: Queryable, f: EewFacts, radiusM: number, limit: number): Promise<Target[]> {
	return tx.query<Target>(
		`with pt as (select extensions.st_setsrid(extensions.st_makepoint($2, $1), 4326) as g)
		 select s.id, s.endpoint, s.p256dh, s.auth, s.lang
		   from (select p.subscription_id, p.geom from public.subscription_places p, pt
		          where p.geom is not null order by p.geom operator(extensions.<->) pt.g limit $5) n
		   join public.subscriptions s on s.id = n.subscription_id, pt
		  where extensions.st_dwithin(n.geom::extensions.geography, pt.g::extensions.geography, $3) and ${FILTER}`,
		[f.lat, f.lon, radiusM, f.status === 'Exercise', limit]
	);
}

/** Every subscription with a place within the radius (village places by their township), nearest first. */
function everyone(tx: Queryable, f: EewFacts, radiusM: number): Promise<Target[]> {
	// A box in degrees first, so the places' index narrows the search before the exact distance.
	const dLat = radiusM / 111_000;
	const dLon = dLat / Math.max(0.1, Math.cos((f.lat * Math.PI) / 180));
	return tx.query<Target>(
		`with pt as (select extensions.st_setsrid(extensions.st_makepoint($2, $1), 4326) as g),
		 box as (select extensions.st_makeenvelope($2 - $6, $1 - $5, $2 + $6, $1 + $5, 4326) as g),
		 towns as (select a.code from public.town_areas a, pt
		            where extensions.st_dwithin(extensions.st_pointonsurface(a.area)::extensions.geography, pt.g::extensions.geography, $3)),
		 places as (
		   select p.subscription_id, extensions.st_distance(p.geom::extensions.geography, pt.g::extensions.geography) as m
		     from public.subscription_places p, pt, box
		    where p.geom operator(extensions.&&) box.g and extensions.st_dwithin(p.geom::extensions.geography, pt.g::extensions.geography, $3)
		   union all
		   select p.subscription_id, $3 from public.subscription_places p join towns t on t.code = p.town_code where p.geom is null)
		 select s.id, s.endpoint, s.p256dh, s.auth, s.lang
		   from (select subscription_id, min(m) as m from places group by subscription_id) n
		   join public.subscriptions s on s.id = n.subscription_id
		  where ${FILTER}
		  order by n.m`,
		[f.lat, f.lon, radiusM, f.status === 'Exercise', dLat, dLon]
	);
}

/** RFC 8030 Topic: at most 32 URL-safe characters, one per event. */
export function eewTopic(eventId: string): string {
	return createHash('sha256').update(`eew:${eventId}`).digest('base64url').slice(0, 32);
}

/** The push payload per language: the wire form, nothing else. */
export function eewPayloads(f: EewFacts): Record<Lang, string> {
	return Object.fromEntries(LANGS.map((lang) => [lang, JSON.stringify(toWire(f, lang))])) as Record<Lang, string>;
}

export function eewTtl(f: EewFacts, now = Date.now()): number {
	return Math.max(0, Math.floor(EEW_LIFETIME_S - (now - f.originTime.getTime()) / 1000));
}

/** `signal`: stop sending (a benchmark measures the first recipients only; a server never aborts). */
export async function pushEew(db: Database, parts: PushParts, f: EewFacts, signal?: AbortSignal): Promise<EewPushResult> {
	const radiusKm = loudRadiusKm(f.magnitude);
	const result: EewPushResult = { recipients: 0, accepted: 0, radiusKm };
	if (radiusKm === 0 || eewTtl(f) === 0) return result;
	const radiusM = radiusKm * 1000;
	const payloads = eewPayloads(f);
	const topic = eewTopic(f.eventId);
	const sent = new Set<string>();
	const send = async (targets: Target[]) => {
		const items: PushItem[] = [];
		for (const t of targets) {
			if (sent.has(t.id)) continue;
			sent.add(t.id);
			if (endpointProblem(t.endpoint, parts.allow)) continue;
			items.push({ endpoint: t.endpoint, p256dh: t.p256dh, auth: t.auth, payload: payloads[t.lang] ?? payloads['zh-CN'] });
		}
		if (!items.length) return;
		const ttl = eewTtl(f);
		if (ttl === 0) return;
		result.recipients += items.length;
		const answers = await postPushes(parts, items, { ttl, urgency: EEW_URGENCY, topic });
		result.accepted += answers.filter((a) => a.status >= 200 && a.status < 300).length;
	};
	// The nearest first, alone (on 2 cores the full query would slow it down); the full
	// list is read while they are encrypted and sent.
	const first = await asService(db, (tx) => nearest(tx, f, radiusM, FIRST));
	// the very first few alone: ten encryptions, not a hundred, before the first request leaves
	const sendingFirst = Promise.all([send(first.slice(0, 10)), send(first.slice(10))]);
	const rest = asService(db, (tx) => everyone(tx, f, radiusM));
	await sendingFirst;
	const all = await rest;
	let next = 0;
	await Promise.all(
		Array.from({ length: IN_FLIGHT }, async () => {
			while (next < all.length && !signal?.aborted) {
				const group = all.slice(next, next + GROUP);
				next += GROUP;
				await send(group);
			}
		})
	);
	return result;
}
