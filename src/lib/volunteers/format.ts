import type { Lang } from '$lib/i18n';

/** The event's title or text in the reader's language. */
export function pick<T extends Record<string, unknown>>(row: T, field: string, lang: Lang): string {
	return String(row[`${field}_${lang === 'en' ? 'en' : 'zh'}`] ?? '');
}
