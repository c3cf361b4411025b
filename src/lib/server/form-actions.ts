/**
 * `?/default` names SvelteKit's reserved action: on a page with named actions (every form
 * page here) SvelteKit throws a plain Error for it, a 500 (an outside tester's finding).
 * It is no action of ours: 404 with a body, as for any other unknown action name.
 */
import type { Handle } from '@sveltejs/kit';
import { translatorFor } from './i18n';

/** The action a form post names (`?/name`), as SvelteKit reads it: the first query key starting with '/'. */
export function actionName(url: URL): string | null {
	for (const [key] of url.searchParams) if (key.startsWith('/')) return key.slice(1);
	return null;
}

export const reservedAction: Handle = async ({ event, resolve }) => {
	if (event.request.method === 'GET' || event.request.method === 'HEAD' || actionName(event.url) !== 'default') return resolve(event);
	const words = (['zh-CN', 'en'] as const).map((lang) => translatorFor(lang)('errors.no_such_action', { name: 'default' }));
	return new Response(`404\n${words.join('\n')}\n`, {
		status: 404,
		headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
	});
};
