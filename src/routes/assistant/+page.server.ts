import { fail } from '@sveltejs/kit';
import { converse } from '$lib/server/assistant';
import { suggestions } from '$lib/server/assistant/answers';
import { readForm } from '$lib/server/http';
import { parseInput, webChannel } from '$lib/server/assistant/input';
import { assistantWait, limited, limitedWords } from '$lib/server/assistant/limits';
import type { Turn } from '$lib/server/assistant/types';
import type { Lang } from '$lib/i18n';
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
		const refuse = async (key: string, status = 400, limited: Record<Lang, string> | null = null) =>
			fail(status, { error: key, limited, message: raw('message'), conversationId: id, history: await locals.db((tx) => history(tx, id)), step: null });
		if ('error' in parsed) return refuse(parsed.key);
		const { limits } = services();
		const wait = assistantWait(limits, getClientAddress(), deviceId(cookies));
		if (wait) {
			// Over the budget an emergency still gets its call box (nothing stored); anything else is told when to ask again, in both languages.
			const call = limited(parsed.message.lang, parsed.message.text);
			if (!call) return refuse('assistant.page.rate_limited', 429, limitedWords(wait));
			const before = await locals.db((tx) => history(tx, id));
			const turns: Turn[] = [{ from: 'resident', text: parsed.message.text }, { from: 'assistant', text: call.reply, intent: call.intent, links: call.links }];
			return { error: null, limited: null, message: '', conversationId: id, history: [...before, ...turns], step: null };
		}
		try {
			parsed.message.photos = await preparePhotos(photoFiles(form).slice(0, 1));
		} catch (error) {
			if (error instanceof SubmitError) return refuse(error.key);
			throw error;
		}
		const channel = webChannel(limits, getClientAddress(), deviceId(cookies), true);
		const answer = await locals.db((tx) => converse(tx, { id: parsed.conversationId, message: parsed.message, channel }));
		return { error: null, limited: null, message: '', conversationId: answer.conversationId, history: answer.history, step: answer.step };
	}
};
