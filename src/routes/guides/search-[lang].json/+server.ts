import { error, json } from '@sveltejs/kit';
import { isLang, LANGS } from '$lib/i18n';
import { guideDocs } from '$lib/server/guides';
import type { EntryGenerator, RequestHandler } from './$types';

// Every guide in compact form (plain text), built once at build time: the browser's
// offline search index, precached by the service worker with the app.
export const prerender = true;

export const entries: EntryGenerator = () => LANGS.map((lang) => ({ lang }));

export const GET: RequestHandler = ({ params }) => {
	if (!isLang(params.lang)) error(404, 'no guides in this language');
	return json(guideDocs(params.lang));
};
