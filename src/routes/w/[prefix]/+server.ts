/** /w/{first 8 hex of the warning id} — the short link in warning text messages. */
import { error, redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals }) => {
	if (!/^[0-9a-f]{8}$/.test(params.prefix)) error(404, 'no such warning');
	const [row] = await locals.db((tx) =>
		tx.query<{ thread_id: string }>(
			`select thread_id from public.warnings where thread_id::text like $1 || '%' order by created_at desc limit 1`,
			[params.prefix]
		)
	);
	if (!row) error(404, 'no such warning');
	redirect(302, `/warnings/${row.thread_id}`);
};
