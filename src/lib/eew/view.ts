/**
 * What a device shows for an EEW at a moment: the one reading of a message that the
 * service worker's notification and the page's full-screen alert share.
 *
 *   cancelled  the network withdrew it (a false alarm)
 *   unfelt     estimated intensity below FELT_FROM (I): nothing is shown
 *   quiet      estimated intensity below LOUD_FROM: a quiet note, no sound
 *   countdown  loud, the S-wave still to come: seconds left
 *   shaking    loud, the S-wave has just arrived (SHAKING_S after it)
 *   late       the message reached this device after the S-wave: no countdown, "check for injuries"
 *   after      the shaking is over: guide and nearest shelter
 */
import { atPlace, FELT_FROM, roman, worstPlace, type AtPlace } from './intensity';
import { quakeOf, type EewWire } from './message';

/** Where the device estimates for when it knows nothing better: Gulou, the district's urban core. */
export const MIYUN_CENTRE = { lat: 40.3744, lon: 116.8394 };
/** How long "shaking now" stays before the after-shaking advice. */
export const SHAKING_S = 30;

export type Basis = 'here' | 'place' | 'centre';
export type Phase = 'cancelled' | 'unfelt' | 'quiet' | 'countdown' | 'shaking' | 'late' | 'after';
export type EewView = AtPlace & { phase: Phase; basis: Basis; roman: string; drill: boolean; lat: number; lon: number };

export type Where = { here: { lat: number; lon: number } | null; places: { lat: number; lon: number }[] };

/**
 * `receivedAt`: when this device first got this event (late is judged then, not now:
 * a countdown that has run out turns into "shaking", not into "you were late").
 */
export function viewOf(w: EewWire, where: Where, receivedAt: number, now: number): EewView {
	const quake = quakeOf(w);
	const basis: Basis = where.here ? 'here' : where.places.length ? 'place' : 'centre';
	const points = where.here ? [where.here] : where.places.length ? where.places : [MIYUN_CENTRE];
	const worst = worstPlace(quake, points, now)!;
	const point = points.find((p) => Math.abs(atPlace(quake, p.lat, p.lon, now).intensity - worst.intensity) < 1e-9) ?? points[0]!;
	const lateOnArrival = receivedAt >= worst.sArrivalMs;
	const phase: Phase =
		w.x === 'Cancel'
			? 'cancelled'
			: worst.degree < FELT_FROM
				? 'unfelt'
				: !worst.loud
					? 'quiet'
				: lateOnArrival
					? now - worst.sArrivalMs < SHAKING_S * 1000
						? 'late'
						: 'after'
					: !worst.late
						? 'countdown'
						: now - worst.sArrivalMs < SHAKING_S * 1000
							? 'shaking'
							: 'after';
	return { ...worst, phase, basis, roman: roman(worst.degree), drill: w.st === 'Exercise', lat: point.lat, lon: point.lon };
}

/** An event a device holds: its latest revision, and when this device first got the event. */
export type Held = { wire: EewWire; receivedAt: number };
export type Ranked = Held & { view: EewView };

/**
 * Two quakes at once (an aftershock, a second fault): the device shows the one strongest
 * where it is — the intensity degree estimated there, then the earliest S-wave arrival
 * (the shaking to take cover for first), then the unrounded intensity — never simply the
 * latest issued. Before strength comes whether the shaking is still to come or under way:
 * a quake whose shaking is over (its after-shaking advice) or that is only a quiet note
 * never hides another one's countdown; a withdrawn one ranks last. The others stay in
 * the list, to be shown on request.
 */
export function rankHere(held: readonly Held[], where: Where, now: number): Ranked[] {
	const tier = (r: Ranked) => (r.view.phase === 'cancelled' ? 2 : NOW.has(r.view.phase) ? 0 : 1);
	return held
		.map((h) => ({ ...h, view: viewOf(h.wire, where, h.receivedAt, now) }))
		.sort((a, b) => tier(a) - tier(b) || b.view.degree - a.view.degree || a.view.sArrivalMs - b.view.sArrivalMs || b.view.intensity - a.view.intensity);
}

/** Phases that ask for action now: take cover, or check for injuries right after. */
const NOW: ReadonlySet<Phase> = new Set(['countdown', 'shaking', 'late']);

type T = (key: string, vars?: Record<string, unknown>) => string;

/** The notification's title and body (the service worker has no page to render). */
export function notificationText(v: EewView, w: EewWire, t: T): { title: string; body: string } {
	const title = `${v.drill ? `[${t('eew.drill_mark')}] ` : ''}${t('eew.notification_title')} M${w.m.toFixed(1)}`;
	const vars = { n: Math.ceil(v.secondsLeft), roman: v.roman, m: w.m.toFixed(1), km: Math.round(v.distanceKm) };
	const key =
		v.phase === 'cancelled'
			? 'eew.notification_cancelled'
			: v.phase === 'quiet' || v.phase === 'unfelt'
				? 'eew.notification_quiet'
				: v.phase === 'countdown'
					? 'eew.notification_countdown'
					: 'eew.notification_late';
	return { title, body: t(key, vars) };
}
