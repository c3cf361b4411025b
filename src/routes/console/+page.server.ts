import type { PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';
import { waitingFor } from '$lib/server/console/waiting';

export const load: PageServerLoad = async ({ locals }) => {
	const who = staffOnly(locals);
	const en = locals.lang === 'en';
	return locals.db(async (tx) => {
		const [row] = await tx.query<{ name: string }>(
			`select coalesce(
			   (select case when $3 then name_en else name_zh end from public.departments where code = $1),
			   (select case when $3 then name_en else name_zh end from public.towns where code = $2)) as name`,
			[who.departmentCode, who.townCode, en]
		);
		return { unit: row?.name ?? null, waiting: await waitingFor(tx) };
	});
};
