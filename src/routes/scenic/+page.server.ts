import { publicData } from '$lib/server/public/read-model';
import { services } from '$lib/server/runtime';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const data = await publicData(services().db).get();
	return { areas: data.scenic, asOf: data.asOf, version: data.version };
};
