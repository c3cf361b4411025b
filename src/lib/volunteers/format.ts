/** Times are shown in Beijing time, whatever the device's zone. */
import type { Lang } from '$lib/i18n';

export function when(date: Date | string, lang: Lang): string {
	return new Intl.DateTimeFormat(lang, {
		timeZone: 'Asia/Shanghai',
		month: 'long',
		day: 'numeric',
		weekday: 'short',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(new Date(date));
}

export function day(date: Date | string, lang: Lang): string {
	return new Intl.DateTimeFormat(lang, { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(date));
}

export function hm(date: Date | string, lang: Lang): string {
	return new Intl.DateTimeFormat(lang, { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(date));
}

/** The event's title or text in the reader's language. */
export function pick<T extends Record<string, unknown>>(row: T, field: string, lang: Lang): string {
	return String(row[`${field}_${lang === 'en' ? 'en' : 'zh'}`] ?? '');
}
