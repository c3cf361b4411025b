import { publicData } from '$lib/server/public/read-model';
import { services } from '$lib/server/runtime';
import { toPublic } from '$lib/server/warnings/view';
import type { PageServerLoad } from './$types';

// The warnings in force lead the home page, most severe first (from the read model: no database round trip).
export const load: PageServerLoad = async ({ locals }) => {
	const data = await publicData(services().db).get();
	return { warnings: data.warnings.map((w) => toPublic(w, locals.lang)), version: data.version };
};
