import { fail } from '@sveltejs/kit';
import * as safety from '$lib/server/evacuation/safety';
import { formOf } from '$lib/server/http';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async ({ locals, request, getClientAddress }) => {
		const phone = String((await formOf(request)).get('phone') ?? '').trim();
		if (!phone || phone.length > 30) return fail(400, { phone, error: 'safety.errors.phone' });
		// The database limits per client, per number and district-wide, and answers the same
		// 'none' for a number it does not know.
		const found = await locals.db((tx) => safety.lookup(tx, phone, safety.clientKey(getClientAddress())));
		if (found.answer === 'limited') return fail(429, { phone, error: null, limitedMinutes: Math.ceil(found.retryAfter / 60) });
		return {
			phone,
			answer: found.answer,
			...(found.answer === 'safe' ? { markedAt: found.markedAt.toISOString(), place: found.place, channel: found.channel } : {})
		};
	}
};
