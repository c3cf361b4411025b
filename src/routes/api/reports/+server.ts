/**
 * POST /api/reports — the same multipart form as /report, for the offline queue and
 * API clients. Answers 201 {ticket, url} for a new report, 200 with created=false
 * when this idempotency key was already filed (the same report, never a second).
 */
import { json } from '@sveltejs/kit';
import { apiError } from '$lib/server/http';
import { deviceId } from '$lib/server/reports/device';
import { reportLimit } from '$lib/server/reports/limits';
import { photoFiles } from '$lib/server/reports/photos';
import { parseDraft, preparePhotos, submit, SubmitError } from '$lib/server/reports/submit';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, locals, cookies, getClientAddress }) => {
	if (!request.headers.get('content-type')?.startsWith('multipart/form-data')) {
		return apiError(415, 'send the report as multipart/form-data (the fields of the /report form)');
	}
	const form = await request.formData();
	const { draft, errors } = parseDraft(form);
	if (Object.keys(errors).length) return apiError(400, 'some fields are missing or wrong', { fields: errors });
	const retryAt = reportLimit(services().limits, getClientAddress(), deviceId(cookies));
	if (retryAt) {
		const seconds = Math.ceil((retryAt.getTime() - Date.now()) / 1000);
		return apiError(429, `too many reports from this address or device; try again at ${retryAt.toISOString()}`, { retryAt }, {
			'retry-after': String(seconds)
		});
	}
	try {
		const photos = await preparePhotos(photoFiles(form));
		const filed = await locals.db((tx) => submit(tx, draft, photos));
		const url = `/report/${filed.ticket}?t=${filed.token}`;
		return json({ ticket: filed.ticket, created: filed.created, url }, { status: filed.created ? 201 : 200 });
	} catch (error) {
		if (error instanceof SubmitError) return apiError(400, `the field "${error.field}" is wrong`, { fields: { [error.field]: error.key } });
		throw error;
	}
};
