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
import { parseSubscription } from '$lib/server/messaging/subscriptions';
import { startSubscription } from '$lib/server/subscriptions/start';
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
	const { config } = services();
	const parsed = parseSubscription(body, config.delivery.pushAllowlist);
	if ('errors' in parsed) return refuse(400, 'api_invalid', { fields: fields(parsed.errors) });
	// Replacing this browser's subscription takes the old one's secret.
	const started = await startSubscription(locals.db, parsed.input, { address: getClientAddress(), replaces: request.headers.get('x-subscription-secret') });
	switch (started.kind) {
		case 'limited':
			return refuse(429, 'err_rate_wait', { retryAfterSeconds: started.wait, minutes: Math.ceil(started.wait / 60) }, { 'retry-after': String(started.wait) });
		case 'refused': {
			const { error } = started;
			return refuse(error.status, error.status === 409 ? 'api_push_taken' : 'api_invalid', { fields: fields({ [error.field]: error.message }) });
		}
		case 'made':
			return json({ id: started.id, secret: started.secret, confirm: started.confirm, notes: started.notes }, { status: 201 });
	}
};
