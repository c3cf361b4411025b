import { makeT } from '$lib/i18n';
import { loadMessages } from '$lib/i18n/bundles';
import type { PageLoad } from './$types';

// A screen alternates Chinese and English, whatever the browser's language: both sets of words.
export const load: PageLoad = async ({ data }) => ({
	...data,
	words: { zh: makeT('zh-CN', await loadMessages('zh-CN', 'public')), en: makeT('en', await loadMessages('en', 'public')) }
});
