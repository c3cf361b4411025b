import { publicData } from '$lib/server/public/read-model';
import { services } from '$lib/server/runtime';
import { toPublic } from '$lib/server/warnings/view';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const data = await publicData(services().db).get();
	return {
		warnings: data.warnings.map((w) => ({ ...toPublic(w, locals.lang), geojson: data.areas.get(w.id) ?? null })),
		outline: data.outline,
		asOf: data.asOf,
		version: data.version
	};
};
