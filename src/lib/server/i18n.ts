import en from '$lib/i18n/locales/en.json';
import zh from '$lib/i18n/locales/zh-CN.json';
import { DEFAULT_LANG, isLang, negotiate, type Lang, type Messages } from '$lib/i18n';

const MESSAGES: Record<Lang, Messages> = { 'zh-CN': zh, en };

export function messagesFor(lang: Lang): Messages {
	return MESSAGES[lang];
}

/** URL first, then the saved choice, then the browser's languages. */
export function chooseLang(fromUrl: string | null, saved: string | undefined, acceptLanguage: string | null) {
	if (isLang(fromUrl)) return { lang: fromUrl, save: true };
	if (isLang(saved)) return { lang: saved, save: false };
	return { lang: acceptLanguage ? negotiate(acceptLanguage) : DEFAULT_LANG, save: false };
}
