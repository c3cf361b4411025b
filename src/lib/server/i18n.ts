import type { TFunction } from 'i18next';
import { DEFAULT_LANG, isLang, LANGS, makeT, negotiate, type Lang, type Messages } from '$lib/i18n';

/**
 * Messages live in src/lib/i18n/locales/<lang>/<feature>.json; each file holds whole
 * top-level groups (`warnings`, `errors`, …), so features add words without touching
 * each other's files. A group may be defined in one file only (a test checks).
 */
const FILES = import.meta.glob<Messages>('/src/lib/i18n/locales/*/*.json', { eager: true, import: 'default' });

function collect(lang: Lang): Messages {
	const merged: Messages = {};
	for (const [file, messages] of Object.entries(FILES)) {
		if (!file.includes(`/locales/${lang}/`)) continue;
		for (const [group, value] of Object.entries(messages)) {
			if (group in merged) throw new Error(`i18n: group "${group}" is defined twice for ${lang} (${file})`);
			merged[group] = value;
		}
	}
	return merged;
}

const MESSAGES = Object.fromEntries(LANGS.map((lang) => [lang, collect(lang)])) as Record<Lang, Messages>;

export function messagesFor(lang: Lang): Messages {
	return MESSAGES[lang];
}

/** URL first, then the saved choice, then the browser's languages. */
export function chooseLang(fromUrl: string | null, saved: string | undefined, acceptLanguage: string | null) {
	if (isLang(fromUrl)) return { lang: fromUrl, save: true };
	if (isLang(saved)) return { lang: saved, save: false };
	return { lang: acceptLanguage ? negotiate(acceptLanguage) : DEFAULT_LANG, save: false };
}

const translators = new Map<Lang, TFunction>();

/** The server's words in one language (for API answers and texts), made once per language. */
export function translatorFor(lang: Lang): TFunction {
	let t = translators.get(lang);
	if (!t) translators.set(lang, (t = makeT(lang, MESSAGES[lang])));
	return t;
}
