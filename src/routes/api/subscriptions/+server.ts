/**
 * POST /api/subscriptions — subscribe a browser (Web Push) or a phone number (SMS) to
 * warnings for up to 5 places. Answers 201 {id, secret, confirm}: keep both; the secret
 * is shown once. An SMS subscription works after its one-time code is confirmed. A browser
 * already subscribed (same push endpoint) replaces its subscription by sending the old
 * secret in `x-subscription-secret`; without it the answer is 409.
 * `notes` names each village place whose township has no area yet: until the district
 * imports its boundary, that place receives every warning for the district.
 */
import { json } from '@sveltejs/kit';
import { refusals } from './refuse';
import { services } from '$lib/server/runtime';
import { createSubscription, parseSubscription, SubscriptionError } from '$lib/server/messaging/subscriptions';
import { districtWideNotes } from '$lib/server/geography/district-wide';
import type { RequestHandler } from './$types';
import { mediaType } from '$lib/server/media-type';

export const POST: RequestHandler = async ({ request, locals, getClientAddress }) => {
	const { refuse, fields } = refusals(locals.lang);
	if (mediaType(request) !== 'application/json') return refuse(415, 'api_not_json');
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		return refuse(400, 'api_bad_json');
	}
	const { config, limits, delivery } = services();
	const parsed = parseSubscription(body, config.delivery.pushAllowlist);
	if ('errors' in parsed) return refuse(400, 'api_invalid', { fields: fields(parsed.errors) });
	const { input } = parsed;
	if (input.phone) {
		// Each code is a text someone pays for and a stranger's phone may receive.
		const wait = limits.smsCodes.hit(`phone:${input.phone}`) || limits.smsCodes.hit(`address:${getClientAddress()}`);
		if (wait) return refuse(429, 'err_rate', { retryAfterSeconds: wait }, { 'retry-after': String(wait) });
	}
	try {
		// Replacing this browser's subscription takes the old one's secret.
		const replaces = request.headers.get('x-subscription-secret');
		const { made, notes } = await locals.db(async (tx) => ({ made: await createSubscription(tx, input, replaces), notes: await districtWideNotes(tx, input.places) }));
		if (made.code && input.phone) {
			await delivery.codes.send(services().db, { to: input.phone, template: 'subscription_code', code: made.code, minutes: 10, lang: input.lang });
		}
		return json({ id: made.id, secret: made.secret, confirm: made.code !== null, notes }, { status: 201 });
	} catch (error) {
		if (error instanceof SubscriptionError) {
			if (error.status === 409) return refuse(409, 'api_push_taken', { fields: fields({ [error.field]: error.message }) });
			return refuse(error.status, 'api_invalid', { fields: fields({ [error.field]: error.message }) });
		}
		throw error;
	}
};
