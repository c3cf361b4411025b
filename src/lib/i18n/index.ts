/**
 * Languages: zh-CN first, English complete; another language is one more file in
 * ./locales. Chosen from the URL (?lang=), then the saved choice (cookie), then
 * Accept-Language.
 */
import i18next, { type TFunction } from 'i18next';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh-CN';
export const LANG_COOKIE = 'lang';

export type Messages = { [key: string]: string | Messages };

export function isLang(value: unknown): value is Lang {
	return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** Best supported language for an Accept-Language header (RFC 9110 §12.5.4). */
export function negotiate(header: string | null): Lang {
	if (!header) return DEFAULT_LANG;
	const ranked = header
		.split(',')
		.slice(0, 20)
		.map((part, index) => {
			const [tag = '', ...params] = part.trim().split(';');
			const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
			const weight = q ? Number(q.slice(2)) : 1;
			return { tag: tag.toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, index };
		})
		.filter((r) => r.weight > 0)
		.sort((a, b) => b.weight - a.weight || a.index - b.index);
	for (const { tag } of ranked) {
		if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
		if (tag === 'en' || tag.startsWith('en-')) return 'en';
	}
	return DEFAULT_LANG;
}

/** A translate function for one language (interpolated values are escaped by Svelte). */
export function makeT(lang: Lang, messages: Messages): TFunction {
	const instance = i18next.createInstance();
	void instance.init({
		lng: lang,
		fallbackLng: false,
		resources: { [lang]: { translation: messages } },
		initAsync: false,
		interpolation: { escapeValue: false },
		returnNull: false
	});
	return instance.t;
}

/** Names in a row: "、" in Chinese, ", " in English. */
export function joinList(lang: Lang | string, items: readonly string[]): string {
	return items.join(lang === 'en' ? ', ' : '、');
}
