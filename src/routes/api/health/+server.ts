import { json } from '@sveltejs/kit';
import { unavailableReason } from '$lib/server/db/unavailable';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * For load balancers and operators: is the database answering, and which one is it.
 * Asks the database itself every time (no cached state), so it says 200 as soon as the
 * database is back; `live` says when the LISTEN connection is still reconnecting.
 */
export const GET: RequestHandler = async ({ locals }) => {
	const { db } = services();
	const status = db.status();
	try {
		const [row] = await locals.db((tx) =>
			tx.query<{ postgis: string }>('select extensions.postgis_lib_version() as postgis')
		);
		return json(
			{ status: 'ok', database: db.kind, postgis: row?.postgis ?? null, ...(status.live ? { live: status.live } : {}), time: new Date().toISOString() },
			{ headers: NO_STORE }
		);
	} catch (error) {
		const reason = unavailableReason(error) ?? 'the database did not answer';
		const since = status.available ? undefined : status.since;
		return json({ status: 'unavailable', database: db.kind, reason, since }, { status: 503, headers: { ...NO_STORE, 'retry-after': '5' } });
	}
};
