/**
 * The wire form of an earthquake early warning: what the live channel (SSE event `eew`)
 * and Web Push carry, and what the service worker and the page read. The smallest
 * message that lets the device compute everything itself (distance, intensity,
 * countdown): origin time, epicentre, depth, magnitude, the event and its revision.
 * Short keys, because a push message is the slowest part of the path.
 */
import type { Quake } from './intensity';

export type EewWire = {
	v: 1;
	type: 'eew';
	/** event id (the network's) */
	e: string;
	/** revision: a higher sequence of the same event replaces a lower one everywhere */
	q: number;
	/** CAP msgType: a Cancel withdraws the event (a false alarm) */
	x: 'Alert' | 'Update' | 'Cancel';
	/** CAP status: Exercise is a drill, shown as such everywhere */
	st: 'Actual' | 'Exercise';
	/** origin time, epoch ms */
	t: number;
	la: number;
	lo: number;
	/** depth, km */
	d: number;
	/** magnitude */
	m: number;
	/** push only: the subscriber's language (the worker has no page to ask) */
	l?: 'zh-CN' | 'en';
};

export type EewFacts = {
	eventId: string;
	sequence: number;
	msgType: EewWire['x'];
	status: EewWire['st'];
	originTime: Date;
	lat: number;
	lon: number;
	depthKm: number;
	magnitude: number;
};

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function toWire(f: EewFacts, lang?: EewWire['l']): EewWire {
	return {
		v: 1,
		type: 'eew',
		e: f.eventId,
		q: f.sequence,
		x: f.msgType,
		st: f.status,
		t: f.originTime.getTime(),
		la: round(f.lat, 3),
		lo: round(f.lon, 3),
		d: round(f.depthKm, 1),
		m: round(f.magnitude, 1),
		...(lang ? { l: lang } : {})
	};
}

export function isEewWire(value: unknown): value is EewWire {
	const w = value as Partial<EewWire> | null;
	return (
		!!w &&
		typeof w === 'object' &&
		w.type === 'eew' &&
		typeof w.e === 'string' &&
		Number.isInteger(w.q) &&
		(w.x === 'Alert' || w.x === 'Update' || w.x === 'Cancel') &&
		(w.st === 'Actual' || w.st === 'Exercise') &&
		[w.t, w.la, w.lo, w.d, w.m].every((n) => typeof n === 'number' && Number.isFinite(n))
	);
}

export function quakeOf(w: EewWire): Quake {
	return { originMs: w.t, lat: w.la, lon: w.lo, depthKm: w.d, magnitude: w.m };
}

/** Whether `next` replaces `shown` (same event, later revision) or is another event. */
export function replaces(shown: EewWire | null, next: EewWire): boolean {
	if (!shown || shown.e !== next.e) return true;
	return next.q > shown.q;
}

/** How long a device keeps an EEW on screen after origin: the push TTL too (later it is history, not a warning). */
export const EEW_LIFETIME_S = 120;
export const isDrill = (w: EewWire) => w.st === 'Exercise';
