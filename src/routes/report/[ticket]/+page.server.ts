import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import { ReportRatingValues, type ReportRating } from '$lib/db-types.gen';
import { places, unitNames } from '$lib/server/district';
import { rate, track } from '$lib/server/reports/track';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url, setHeaders }) => {
	// The link is private: never cached by shared caches, never sent on as a Referer.
	setHeaders({ 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer' });
	const token = url.searchParams.get('t') ?? '';
	const found = await locals.db(async (tx) => {
		const tracked = await track(tx, params.ticket, token);
		return tracked && { ...tracked, units: unitNames(await places(tx), locals.lang) };
	});
	if (!found) error(404, 'not found');
	return { ...found, token };
};

export const actions: Actions = {
	rate: async ({ locals, params, request }) => {
		const form = await formOf(request);
		const token = String(form.get('t') ?? '');
		const rating = String(form.get('rating') ?? '');
		const reopen = form.get('reopen') === '1';
		if (!(ReportRatingValues as readonly string[]).includes(rating)) {
			return fail(400, { errors: { rating: 'reports.errors.rating' } });
		}
		const outcome = await locals.db((tx) => rate(tx, token, rating as ReportRating, reopen));
		if (outcome === 'not_allowed') return fail(400, { errors: { rating: 'reports.errors.rating_not_allowed' } });
		redirect(303, `/report/${params.ticket}?t=${encodeURIComponent(token)}`);
	}
};
