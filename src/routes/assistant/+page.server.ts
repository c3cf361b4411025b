import { fail } from '@sveltejs/kit';
import { converse } from '$lib/server/assistant';
import { suggestions } from '$lib/server/assistant/answers';
import { readForm } from '$lib/server/http';
import { parseInput, webChannel } from '$lib/server/assistant/input';
import { history } from '$lib/server/assistant/store';
import { deviceId, ensureDeviceId } from '$lib/server/reports/device';
import { photoFiles } from '$lib/server/reports/photos';
import { preparePhotos, SubmitError } from '$lib/server/reports/submit';
import { services } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, cookies }) => {
	ensureDeviceId(cookies);
	return { suggestions: suggestions(locals.lang) };
};

export const actions: Actions = {
	send: async ({ request, locals, cookies, getClientAddress }) => {
		// An unreadable body is read as an empty message: the page answers 400 with its own words.
		const form = (await readForm(request)) ?? new FormData();
		const raw = (name: string) => String(form.get(name) ?? '');
		const parsed = parseInput({ message: raw('message'), conversationId: raw('conversationId'), lat: raw('lat'), lon: raw('lon') }, locals.lang);
		const id = 'error' in parsed ? null : parsed.conversationId;
		const refuse = async (key: string) =>
			fail(400, { error: key, message: raw('message'), conversationId: id, history: await locals.db((tx) => history(tx, id)), step: null });
		if ('error' in parsed) return refuse(parsed.key);
		try {
			parsed.message.photos = await preparePhotos(photoFiles(form).slice(0, 1));
		} catch (error) {
			if (error instanceof SubmitError) return refuse(error.key);
			throw error;
		}
		const channel = webChannel(services().limits, getClientAddress(), deviceId(cookies), true);
		const answer = await locals.db((tx) => converse(tx, { id: parsed.conversationId, message: parsed.message, channel }));
		return { error: null, message: '', conversationId: answer.conversationId, history: answer.history, step: answer.step };
	}
};
