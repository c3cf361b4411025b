/**
 * POST /api/reports — the same multipart form as /report, for the offline queue and
 * API clients. Answers 201 {ticket, url, emergency} for a new report, 200 with
 * created=false when this idempotency key was already filed (the same report, never a
 * second). A refusal carries a stable `code` and an `error` in the request's language;
 * field errors name the field, each with its own code and message.
 */
import { isHttpError, json } from '@sveltejs/kit';
import { FieldTooLarge, readLimitedForm } from '$lib/server/field-limit';
import { apiError, TEXT_FIELD_BYTES } from '$lib/server/http';
import { translatorFor } from '$lib/server/i18n';
import { deviceId } from '$lib/server/reports/device';
import { fileReport } from '$lib/server/reports/file';
import { clock, reportLimit, retryAfter } from '$lib/server/reports/limits';
import { services } from '$lib/server/runtime';
import { TEXT_UNSTORABLE } from '$lib/server/unstorable-text';
import type { RequestHandler } from './$types';
import { mediaType } from '$lib/server/media-type';

/** The longest text field read (the description is at most 2,000 characters); photos are files. */

/** "reports.errors.description_short" → the code "description_short" and its words. */
const described = (t: (key: string, values?: Record<string, unknown>) => string, key: string, values?: Record<string, unknown>) => ({
	code: key.split('.').pop()!,
	message: t(key, values)
});

export const POST: RequestHandler = async ({ request, locals, cookies, getClientAddress }) => {
	const t = translatorFor(locals.lang);
	const refuse = (status: number, key: string, more?: Record<string, unknown>, headers?: HeadersInit) => {
		const { code, message } = described(t, key, more);
		return apiError(status, message, { code, ...more }, headers);
	};
	if (mediaType(request) !== 'multipart/form-data') return refuse(415, 'reports.errors.not_multipart');
	let form: FormData | null;
	try {
		form = await readLimitedForm(request, TEXT_FIELD_BYTES);
	} catch (error) {
		// refused at the limit, while the body streams in: the rest is never read
		if (error instanceof FieldTooLarge) return refuse(413, 'reports.errors.field_too_large', { limit: TEXT_FIELD_BYTES });
		if (isHttpError(error) && error.body.message === TEXT_UNSTORABLE) return refuse(400, 'errors.text_unstorable', { field: error.body.field });
		throw error;
	}
	if (!form) return refuse(400, 'reports.errors.unreadable');
	const caller = { db: locals.db, limit: () => reportLimit(services().limits, getClientAddress(), deviceId(cookies)) };
	const outcome = await fileReport(caller, { fields: form }, 'api');
	switch (outcome.kind) {
		case 'invalid': {
			const fields = Object.fromEntries(Object.entries(outcome.errors).map(([field, key]) => [field, described(t, key)]));
			return refuse(400, 'reports.errors.invalid', { fields });
		}
		case 'limited': {
			const { retryAt } = outcome;
			return apiError(429, t('reports.errors.rate_limited', { time: clock(retryAt) }), { code: 'rate_limited', retryAt }, { 'retry-after': retryAfter(retryAt) });
		}
		case 'emergency':
		case 'nearby':
			throw new Error(`the api channel does not stop for ${outcome.kind}`);
		case 'filed': {
			const { ticket, token, created } = outcome.filed;
			return json({ ticket, created, url: `/report/${ticket}?t=${token}`, emergency: outcome.numbers }, { status: created ? 201 : 200 });
		}
	}
};
