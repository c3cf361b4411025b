/**
 * One check for an EEW message however it arrives — the compact JSON of a feed adapter
 * or a CAP 1.2 alert with EEW parameters — so both refuse the same things with a 400
 * that names the field.
 */
import type { EewFacts } from '../../eew/message';
import { CapError, parseCap } from '../warnings/cap';

export class EewInputError extends Error {
	constructor(
		readonly field: string,
		readonly problem: string
	) {
		super(`${field}: ${problem}`);
	}
}

/** How far an origin time may lie in the past: later, the S-wave has crossed the district long ago. */
export const MAX_AGE_MS = 10 * 60_000;
/** Clocks differ a little; a quake in the future does not. */
const MAX_AHEAD_MS = 30_000;
export const EVENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

type Raw = Record<string, unknown>;

function num(raw: Raw, field: string, min: number, max: number, name = field): number {
	const v = raw[field];
	const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
	if (typeof n !== 'number' || !Number.isFinite(n)) throw new EewInputError(name, 'must be a number');
	if (n < min || n > max) throw new EewInputError(name, `must be between ${min} and ${max}`);
	return n;
}

/** The facts of one message from named values (JSON fields, or CAP parameters renamed to them). */
export function checkFacts(raw: Raw, now = Date.now(), names: Record<string, string> = {}): EewFacts {
	const name = (f: string) => names[f] ?? f;
	const eventId = raw.eventId;
	if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) throw new EewInputError(name('eventId'), 'must be 1–64 letters, digits or . _ : -');
	const sequence = num(raw, 'sequence', 1, 999, name('sequence'));
	if (!Number.isInteger(sequence)) throw new EewInputError(name('sequence'), 'must be a whole number');
	const msgType = raw.msgType ?? (sequence === 1 ? 'Alert' : 'Update');
	if (msgType !== 'Alert' && msgType !== 'Update' && msgType !== 'Cancel') throw new EewInputError(name('msgType'), 'must be Alert, Update or Cancel');
	const status = raw.status ?? 'Actual';
	if (status !== 'Actual' && status !== 'Exercise') throw new EewInputError(name('status'), 'must be Actual or Exercise (a drill)');
	const originText = raw.originTime;
	// RFC 3339 with an explicit offset: a time without one is ambiguous by 8 hours here
	if (typeof originText !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$/.test(originText))
		throw new EewInputError(name('originTime'), 'must be a time with its offset, like 2026-12-04T20:15:03.2+08:00');
	const originTime = new Date(originText);
	// Date rolls 2026-02-30 over to 03-02; a day the month does not have is no date at all.
	const [year, month, day] = originText.slice(0, 10).split('-').map(Number) as [number, number, number];
	const calendar = new Date(Date.UTC(year, month - 1, day));
	if (Number.isNaN(originTime.getTime()) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
		throw new EewInputError(name('originTime'), `is not a real date and time ("${originText}": invalid date)`);
	}
	if (originTime.getTime() > now + MAX_AHEAD_MS) throw new EewInputError(name('originTime'), 'is in the future');
	if (originTime.getTime() < now - MAX_AGE_MS) throw new EewInputError(name('originTime'), 'is more than 10 minutes ago: no longer an early warning');
	return {
		eventId,
		sequence,
		msgType,
		status,
		originTime,
		lat: num(raw, 'latitude', -90, 90, name('latitude')),
		lon: num(raw, 'longitude', -180, 180, name('longitude')),
		depthKm: num(raw, 'depthKm', 0, 700, name('depthKm')),
		magnitude: num(raw, 'magnitude', 0, 10, name('magnitude'))
	};
}

const JSON_FIELDS = new Set(['eventId', 'sequence', 'msgType', 'status', 'originTime', 'latitude', 'longitude', 'depthKm', 'magnitude']);

/** The compact JSON body of POST /api/eew. */
export function parseEewJson(body: unknown, now = Date.now()): EewFacts {
	if (!body || typeof body !== 'object' || Array.isArray(body)) throw new EewInputError('body', 'must be a JSON object');
	const unknown = Object.keys(body).find((k) => !JSON_FIELDS.has(k));
	if (unknown) throw new EewInputError(unknown, `is not a field of an EEW message (fields: ${[...JSON_FIELDS].join(', ')})`);
	return checkFacts(body as Raw, now);
}

/** CAP parameters of an EEW (valueName → the JSON field it carries). */
export const CAP_PARAMETERS = {
	EEW_EVENT_ID: 'eventId',
	EEW_SEQUENCE: 'sequence',
	EEW_ORIGIN_TIME: 'originTime',
	EEW_LATITUDE: 'latitude',
	EEW_LONGITUDE: 'longitude',
	EEW_DEPTH_KM: 'depthKm',
	EEW_MAGNITUDE: 'magnitude'
} as const;

/** Whether a CAP document is meant as an EEW (cheap: before any parsing). */
export function looksLikeEewCap(xml: string): boolean {
	return xml.includes('EEW_EVENT_ID');
}

/**
 * A CAP 1.2 alert with EEW parameters in its first <info>: the whole CAP check first
 * (the same parser as every import), then the parameters; the event must be an earthquake.
 */
export function parseEewCap(xml: string, now = Date.now()): EewFacts {
	const alert = parseCap(xml);
	if (alert.warning.hazard !== 'earthquake') throw new CapError('alert/info[1]/event', 'an EEW must be an earthquake');
	const raw: Raw = { msgType: alert.msgType, status: alert.status };
	const names: Record<string, string> = { msgType: 'alert/msgType', status: 'alert/status' };
	for (const [valueName, field] of Object.entries(CAP_PARAMETERS)) {
		const p = alert.warning.parameters.find((x) => x.valueName === valueName);
		raw[field] = p?.value;
		names[field] = `alert/info[1]/parameter[${valueName}]`;
	}
	try {
		return checkFacts(raw, now, names);
	} catch (error) {
		if (error instanceof EewInputError) throw new CapError(error.field, error.problem);
		throw error;
	}
}
