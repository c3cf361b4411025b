import { fail, redirect } from '@sveltejs/kit';
import { places } from '$lib/server/district';
import * as safety from '$lib/server/evacuation/safety';
import { formOf } from '$lib/server/http';
import { translatorFor } from '$lib/server/i18n';
import { publicData } from '$lib/server/public/read-model';
import { deviceId, ensureDeviceId } from '$lib/server/reports/device';
import { clock, reportLimit } from '$lib/server/reports/limits';
import { freshIds } from '$lib/server/reports/submit';
import { services } from '$lib/server/runtime';
import { toPublic } from '$lib/server/warnings/view';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, cookies }) => {
	ensureDeviceId(cookies);
	const thread = await locals.db((tx) => safety.warningThread(tx, url.searchParams.get('w')));
	const found = thread ? await publicData(services().db).thread(thread) : null;
	const help = url.searchParams.get('s') === 'help';
	return {
		thread,
		headline: found ? toPublic(found.current, locals.lang).info.headline : null,
		status: found?.current.status ?? 'Actual',
		mode: help ? ('help' as const) : ('safe' as const),
		...(help ? await locals.db((tx) => places(tx)) : { towns: [], villages: [] }),
		ids: freshIds(),
		// What was recorded decides what the page promises: staff match a mark to a household
		// by its phone only (an outside tester was told "nobody will look for you" without one).
		done:
			url.searchParams.get('done') === 'safe'
				? {
						at: url.searchParams.get('at'),
						shared: url.searchParams.get('shared') === '1',
						phone: url.searchParams.get('phone') === '1',
						place: url.searchParams.get('place') ?? ''
					}
				: null
	};
};

export const actions: Actions = {
	safe: async ({ locals, request }) => {
		const form = await formOf(request);
		const { input, errors } = safety.parseSafe(form);
		if (Object.keys(errors).length) return fail(400, { mode: 'safe', errors, values: Object.fromEntries(form) });
		const thread = await locals.db((tx) => safety.warningThread(tx, input.thread));
		// A thread named must be a warning that exists: a random UUID was taken as "no warning".
		if (input.thread && !thread) return fail(400, { mode: 'safe', errors: { thread: 'safety.errors.warning' }, values: Object.fromEntries(form) });
		const done = await locals.db((tx) => safety.markSafe(tx, { ...input, thread }));
		if ('field' in done) return fail(400, { mode: 'safe', errors: { [done.field]: done.key }, values: Object.fromEntries(form) });
		const back = new URLSearchParams({
			done: 'safe',
			at: clock(new Date()),
			...(thread ? { w: thread } : {}),
			...(input.share ? { shared: '1' } : {}),
			...(input.phone ? { phone: '1' } : {}),
			...(input.place ? { place: input.place } : {})
		});
		redirect(303, `/safe?${back}`);
	},

	help: async ({ locals, request, cookies, getClientAddress }) => {
		const form = await formOf(request);
		const thread = await locals.db((tx) => safety.warningThread(tx, String(form.get('thread') ?? '') || null));
		const caller = { db: locals.db, limit: () => reportLimit(services().limits, getClientAddress(), deviceId(cookies)) };
		const t = translatorFor(locals.lang);
		const outcome = await safety.askForHelp(caller, form, thread, { description: t('safety.help_default'), address: t('safety.help_address_default') });
		switch (outcome.kind) {
			case 'filed':
				redirect(303, `/report/${outcome.filed.ticket}?t=${outcome.filed.token}`);
			case 'limited':
				return fail(429, { mode: 'help', errors: {}, retryAt: clock(outcome.retryAt), values: outcome.draft });
			case 'invalid':
				return fail(400, { mode: 'help', errors: outcome.errors, values: outcome.draft });
			default:
				// The safety channel neither stops for the numbers nor for nearby reports.
				return fail(400, { mode: 'help', errors: { key: 'reports.errors.form_expired' }, values: outcome.draft });
		}
	}
};
