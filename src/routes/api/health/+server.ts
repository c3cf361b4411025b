import { json } from '@sveltejs/kit';
import { services } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/** For load balancers and operators: is the database answering, and which one is it. */
export const GET: RequestHandler = async ({ locals }) => {
	const { db } = services();
	try {
		const [row] = await locals.db((tx) =>
			tx.query<{ postgis: string }>('select extensions.postgis_lib_version() as postgis')
		);
		return json(
			{ status: 'ok', database: db.kind, postgis: row?.postgis ?? null, time: new Date().toISOString() },
			{ headers: { 'cache-control': 'no-store' } }
		);
	} catch {
		return json({ status: 'error', database: db.kind }, { status: 503, headers: { 'cache-control': 'no-store' } });
	}
};
