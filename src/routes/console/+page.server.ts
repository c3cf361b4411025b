import type { PageServerLoad } from './$types';
import { staffOnly } from '$lib/server/auth/staff-only';

export const load: PageServerLoad = async ({ locals }) => {
	const who = staffOnly(locals);
	const en = locals.lang === 'en';
	const [row] = await locals.db((tx) =>
		tx.query<{ name: string }>(
			`select coalesce(
			   (select case when $3 then name_en else name_zh end from public.departments where code = $1),
			   (select case when $3 then name_en else name_zh end from public.towns where code = $2)) as name`,
			[who.departmentCode, who.townCode, en]
		)
	);
	return { unit: row?.name ?? null };
};
