import { error } from '@sveltejs/kit';
import { toCsv } from '$lib/server/csv';
import * as events from '$lib/server/volunteers/events';
import { attendees } from '$lib/server/volunteers/registrations';
import type { RequestHandler } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

/** Registrations and attendance of one event, for its organisers (RLS gives others no rows). */
export const GET: RequestHandler = async ({ locals, params }) => {
	staffOnly(locals);
	const found = await locals.db(async (tx) => ({
		event: await events.get(tx, params.id),
		may: await events.mayOrganise(tx, params.id),
		rows: await attendees(tx, params.id)
	}));
	if (!found.event) error(404, 'not found');
	if (!found.may) error(403, 'forbidden');
	const csv = toCsv(
		['name', 'phone', 'town_code', 'status', 'code', 'signed_up_at', 'checked_in_at', 'checked_out_at', 'hours'],
		found.rows.map((r) => [r.name, r.phone, r.town_code, r.status, r.code, r.created_at, r.checked_in_at, r.checked_out_at, r.hours])
	);
	return new Response(csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="event-${params.id}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
