import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import * as registry from '$lib/server/shelters/registry';
import * as routes from '$lib/server/shelters/routes';
import { villagesOf } from '$lib/server/district';
import type { Actions, PageServerLoad } from './$types';
import { can, MAY } from '$lib/server/auth/can';
import { staffOnly } from '$lib/server/auth/staff-only';

/** The shelter the route leads to, its township's villages, and whether the caller is an admin. */
async function context(locals: App.Locals, shelterId: string) {
	return locals.db(async (tx) => {
		if (!registry.UUID.test(shelterId)) return null;
		const [shelter] = await tx.query<{ id: string; name_zh: string; name_en: string; town_code: string | null }>(
			'select id, name_zh, name_en, town_code from public.shelters where id = $1',
			[shelterId]
		);
		if (!shelter) return null;
		return { shelter, villages: await villagesOf(tx, shelter.town_code), admin: await can(tx, 'administer') };
	});
}

// `.../routes/new` adds a route to the shelter; `.../routes/<id>` edits or deletes one.
export const load: PageServerLoad = async ({ locals, params }) => {
	staffOnly(locals, MAY.administer);
	const found = await context(locals, params.id);
	if (!found) error(404, 'not found');
	if (!found.admin) error(403, 'forbidden');
	const route = params.route === 'new' ? null : await locals.db((tx) => routes.getRoute(tx, params.id, params.route));
	if (params.route !== 'new' && !route) error(404, 'not found');
	const values = route
		? { ...route, path: routes.pathText(route.path), crs: 'wgs84', walk_minutes: String(route.walk_minutes), village_code: route.village_code ?? '' }
		: { crs: 'wgs84' };
	return { shelter: found.shelter, villages: found.villages, values, isNew: !route, demo: route?.demo ?? false };
};

export const actions: Actions = {
	save: async ({ locals, params, request }) => {
		staffOnly(locals, MAY.administer);
		const found = await context(locals, params.id);
		if (!found) error(404, 'not found');
		const { input, values, errors, line } = routes.parseRouteForm(await formOf(request), new Set(found.villages.map((v) => v.code)));
		if (!input) return fail(400, { values, errors, line, message: null });
		const done = await locals.db((tx) =>
			params.route === 'new' ? routes.createRoute(tx, params.id, input) : routes.updateRoute(tx, params.id, params.route, input)
		);
		if (!done) return fail(403, { values, errors: {}, line: null, message: 'shelters.edit.forbidden' });
		redirect(303, `/console/shelters/${params.id}?saved=route_saved`);
	},
	delete: async ({ locals, params }) => {
		staffOnly(locals, MAY.administer);
		const done = await locals.db((tx) => routes.deleteRoute(tx, params.id, params.route));
		if (!done) return fail(403, { values: null, errors: {}, line: null, message: 'shelters.edit.forbidden' });
		redirect(303, `/console/shelters/${params.id}?saved=route_deleted`);
	}
};
