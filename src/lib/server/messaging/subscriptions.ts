/**
 * Subscriptions without an account: whoever makes one gets its id and a secret, and
 * with both can see everything stored about it and delete it in one step. The secret
 * is stored only as a SHA-256. Location is stored only as the places targeting needs,
 * rounded to about 100 m.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { DeliveryChannel, HazardCode, WarningLevel } from '../../db-types.gen';
import { isHazardCode, WARNING_LEVELS } from '../../hazards';
import { isLang, type Lang } from '../../i18n';
import { parseMoment } from '../../time';
import type { Queryable } from '../db/port';
import { endpointProblem, type PushAllowlist } from './allowlist';

export type Place =
	| { lat: number; lon: number; label: string | null }
	| { village: string; label: string | null }
	/** a visit: the scenic area and its township (SQL stores both) */
	| { scenic: string; label: string | null };

export type SubscriptionInput = {
	channel: DeliveryChannel;
	push: { endpoint: string; p256dh: string; auth: string } | null;
	phone: string | null;
	places: Place[];
	lang: Lang;
	hazards: HazardCode[];
	minLevel: WarningLevel;
	exercises: boolean;
	until: Date | null;
};

export type FieldErrors = Record<string, string>;

const MAX_UNTIL_DAYS = 366;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a request body (the JSON of POST /api/subscriptions); errors name the field. */
export function parseSubscription(body: unknown, allow: PushAllowlist, now = new Date()): { input: SubscriptionInput } | { errors: FieldErrors } {
	const errors: FieldErrors = {};
	if (!isRecord(body)) return { errors: { body: 'must be a JSON object' } };
	let push: SubscriptionInput['push'] = null;
	let phone: string | null = null;
	if (body.push !== undefined && body.phone !== undefined) errors.push = 'give either push or phone, not both';
	else if (body.push !== undefined) {
		const p = body.push;
		const keys = isRecord(p) && isRecord(p.keys) ? p.keys : null;
		if (!isRecord(p) || typeof p.endpoint !== 'string') errors.push = 'must be the browser PushSubscription as JSON (endpoint, keys.p256dh, keys.auth)';
		else {
			const problem = endpointProblem(p.endpoint, allow);
			if (problem) errors['push.endpoint'] = problem;
			if (typeof keys?.p256dh !== 'string' || !/^[A-Za-z0-9_-]{86,88}={0,2}$/.test(keys.p256dh)) errors['push.keys.p256dh'] = 'must be the 65-byte P-256 key in base64url';
			if (typeof keys?.auth !== 'string' || !/^[A-Za-z0-9_-]{22,24}={0,2}$/.test(keys.auth)) errors['push.keys.auth'] = 'must be the 16-byte secret in base64url';
			if (!problem && p.endpoint.length > 1000) errors['push.endpoint'] = 'is longer than 1000 characters';
			if (!Object.keys(errors).length) push = { endpoint: p.endpoint, p256dh: String(keys!.p256dh).replace(/=+$/, ''), auth: String(keys!.auth).replace(/=+$/, '') };
		}
	} else if (body.phone !== undefined) {
		const digits = typeof body.phone === 'string' ? body.phone.replace(/[\s-]/g, '').replace(/^\+?86/, '') : '';
		if (!/^1[3-9]\d{9}$/.test(digits)) errors.phone = 'must be a mainland mobile number (11 digits, starting with 1)';
		else phone = digits;
	} else errors.push = 'give push (a browser PushSubscription) or phone (for SMS)';

	const places: Place[] = [];
	if (!Array.isArray(body.places) || body.places.length < 1 || body.places.length > 5) errors.places = 'must be a list of 1 to 5 places';
	else
		body.places.forEach((raw, i) => {
			const label = isRecord(raw) && typeof raw.label === 'string' ? raw.label.trim() || null : null;
			// refused, never cut: a shortened label would name a different place without saying so
			if (label && [...label].length > 100) errors[`places[${i}].label`] = 'is longer than 100 characters';
			if (isRecord(raw) && typeof raw.scenic === 'string') {
				if (!/^[a-z][a-z0-9-]{1,40}$/.test(raw.scenic)) errors[`places[${i}].scenic`] = 'must be a scenic area id';
				else places.push({ scenic: raw.scenic, label });
			} else if (isRecord(raw) && typeof raw.village === 'string') {
				if (!/^\d{12}$/.test(raw.village)) errors[`places[${i}].village`] = 'must be a 12-digit village code';
				else places.push({ village: raw.village, label });
			} else if (isRecord(raw) && typeof raw.lat === 'number' && typeof raw.lon === 'number' && Number.isFinite(raw.lat) && Number.isFinite(raw.lon)) {
				if (Math.abs(raw.lat) > 90 || Math.abs(raw.lon) > 180) errors[`places[${i}]`] = 'lat/lon out of range (WGS-84 degrees)';
				else places.push({ lat: raw.lat, lon: raw.lon, label });
			} else errors[`places[${i}]`] = 'must be {"lat", "lon", "label"}, {"village": <code>, "label"} or {"scenic": <id>}';
		});

	const lang = body.lang ?? 'zh-CN';
	if (!isLang(lang)) errors.lang = 'must be "zh-CN" or "en"';
	const hazards = body.hazards ?? [];
	if (!Array.isArray(hazards) || !hazards.every(isHazardCode)) errors.hazards = 'must be a list of hazard codes (empty = all)';
	const minLevel = body.minLevel ?? 'blue';
	if (!(WARNING_LEVELS as readonly unknown[]).includes(minLevel)) errors.minLevel = 'must be blue, yellow, orange or red';
	const exercises = body.exercises ?? false;
	if (typeof exercises !== 'boolean') errors.exercises = 'must be true or false';
	let until: Date | null = null;
	if (body.until !== undefined && body.until !== null) {
		// a day alone is the end of that day in Beijing; an impossible one (2027-02-30) is refused, not rolled over
		const parsed = typeof body.until === 'string' ? parseMoment(body.until) : null;
		if (!parsed) errors.until = 'must be a real date (YYYY-MM-DD, a Beijing day; or an ISO date-time) or null';
		else if (parsed <= now) errors.until = 'must be in the future';
		else if (parsed.getTime() - now.getTime() > MAX_UNTIL_DAYS * 86_400_000) errors.until = `must be within ${MAX_UNTIL_DAYS} days (or null: no end)`;
		else until = parsed;
	}
	if (Object.keys(errors).length) return { errors };
	return {
		input: {
			channel: push ? 'push' : 'sms',
			push,
			phone,
			places,
			lang: lang as Lang,
			hazards: [...new Set(hazards as HazardCode[])],
			minLevel: minLevel as WarningLevel,
			exercises: exercises as boolean,
			until
		}
	};
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class SubscriptionError extends Error {
	constructor(
		readonly field: string,
		message: string,
		/** 409: the browser's endpoint already has a subscription, and no (or a wrong) secret came with it */
		readonly status: 400 | 409 = 400
	) {
		super(message);
	}
}

/**
 * Stores the subscription; for SMS also makes the one-time code to text. A push
 * subscription whose endpoint is already subscribed replaces the old one only with the
 * old one's secret (`replaces`).
 */
export async function createSubscription(
	tx: Queryable,
	input: SubscriptionInput,
	replaces: string | null = null
): Promise<{ id: string; secret: string; code: string | null }> {
	const secret = randomBytes(24).toString('base64url');
	const code = input.channel === 'sms' ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null;
	try {
		const [row] = await tx.query<{ id: string }>(
			`select app.subscription_create($1, $2, $3, $4, $5, $6, $7, $8, $9::public.hazard_code[], $10, $11, $12, $13, $14) as id`,
			[
				sha256(secret), input.channel, input.push?.endpoint ?? null, input.push?.p256dh ?? null, input.push?.auth ?? null,
				input.phone, code ? sha256(`${secret}:${code}`) : null, input.lang, input.hazards, input.minLevel, input.exercises,
				input.until, JSON.stringify(input.places), replaces ? sha256(replaces) : null
			]
		);
		return { id: row!.id, secret, code };
	} catch (error) {
		const message = (error as Error).message;
		const field = /^(\w+):/.exec(message)?.[1];
		if (field === 'push') throw new SubscriptionError(field, message.slice(field.length + 1).trim(), 409);
		if (field && ['places', 'phone', 'until'].includes(field)) throw new SubscriptionError(field, message.slice(field.length + 1).trim());
		throw error;
	}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function readSubscription(tx: Queryable, id: string, secret: string): Promise<Record<string, unknown> | null> {
	if (!UUID.test(id)) return null;
	const [row] = await tx.query<{ data: Record<string, unknown> | null }>(`select app.subscription_read($1, $2) as data`, [id, sha256(secret)]);
	return row?.data ?? null;
}

export async function deleteSubscription(tx: Queryable, id: string, secret: string): Promise<boolean> {
	if (!UUID.test(id)) return false;
	const [row] = await tx.query<{ ok: boolean }>(`select app.subscription_delete($1, $2) as ok`, [id, sha256(secret)]);
	return row!.ok;
}

export type ConfirmResult = 'confirmed' | 'wrong' | 'expired' | 'not_found';

export async function confirmSubscription(tx: Queryable, id: string, secret: string, code: string): Promise<ConfirmResult> {
	if (!UUID.test(id)) return 'not_found';
	const [row] = await tx.query<{ result: ConfirmResult }>(`select app.subscription_confirm($1, $2, $3) as result`, [
		id,
		sha256(secret),
		sha256(`${secret}:${code.trim()}`)
	]);
	return row!.result;
}

export async function receipt(tx: Queryable, warningId: string, subscriptionId: string, event: string): Promise<boolean> {
	if (!UUID.test(warningId) || !UUID.test(subscriptionId) || !['delivered', 'shown', 'skipped'].includes(event)) return false;
	const [row] = await tx.query<{ ok: boolean | null }>(`select app.delivery_receipt($1, $2, $3) as ok`, [warningId, subscriptionId, event]);
	return row?.ok === true;
}
