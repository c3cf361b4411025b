import { formOf } from '$lib/server/http';
import { error, fail, redirect } from '@sveltejs/kit';
import * as events from '$lib/server/volunteers/events';
import { cancel, mine, register } from '$lib/server/volunteers/registrations';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const volunteer = locals.volunteer;
	const found = await locals.db(async (tx) => ({
		event: await events.get(tx, params.id),
		mine: volunteer ? (await mine(tx, volunteer.userId)).find((r) => r.event_id === params.id && r.status !== 'cancelled') ?? null : null
	}));
	const event = found.event;
	if (!event) error(404, 'not found');
	return { ...found, event, signedIn: volunteer !== null, profileDone: Boolean(volunteer?.name) };
};

export const actions: Actions = {
	signup: async ({ locals, params }) => {
		if (!locals.volunteer) redirect(303, `/volunteer/sign-in?next=/volunteer/events/${params.id}`);
		if (!locals.volunteer.name) redirect(303, `/volunteer/me?next=/volunteer/events/${params.id}`);
		const result = await locals.db((tx) => register(tx, params.id));
		if (!result.ok) return fail(result.problem === 'not_found' ? 404 : 400, { message: `volunteer.problems.${result.problem}` });
		redirect(303, `/volunteer/events/${params.id}`);
	},
	cancel: async ({ locals, params, request }) => {
		if (!locals.volunteer) redirect(303, `/volunteer/sign-in?next=/volunteer/events/${params.id}`);
		const id = String((await formOf(request)).get('registration') ?? '');
		const result = await locals.db((tx) => cancel(tx, id));
		if (!result.ok) return fail(400, { message: `volunteer.problems.${result.problem}` });
		redirect(303, `/volunteer/events/${params.id}`);
	}
};
