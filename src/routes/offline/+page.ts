import en from '$lib/i18n/locales/en.json';
import zh from '$lib/i18n/locales/zh-CN.json';
import { makeT } from '$lib/i18n';

// Served by the service worker when a page is not saved on the device: one page for
// every visitor, so it speaks both languages.
export const prerender = true;

export const load = () => ({ both: [makeT('zh-CN', zh), makeT('en', en)] as const });
