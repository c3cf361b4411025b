import { messagesFor } from '$lib/server/i18n';

// Served by the service worker when a page is not saved on the device: one page for
// every visitor, so it speaks both languages.
export const prerender = true;

export const load = () => ({ zh: messagesFor('zh-CN'), en: messagesFor('en') });
