/**
 * Times as residents and tourists read them: always Beijing time, never a bare numeric date
 * ("12/5/26" is 5 December to an American and 12 May to most others), 24-hour clock. In
 * English the zone is named (a tourist's phone may be set to another one); in Chinese
 * everyone reads Beijing time.
 */
import type { Lang } from './i18n';

const ZONE = 'Asia/Shanghai';

/** Date and time: "2026年12月5日 03:28" / "Dec 5, 2026, 03:28 GMT+8". */
export function beijingTime(d: Date | string, lang: Lang | string): string {
	return new Date(d).toLocaleString(lang, {
		timeZone: ZONE,
		year: 'numeric',
		month: 'short',
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
		...(lang.startsWith('zh') ? {} : { timeZoneName: 'short' })
	});
}

/** Within the year, for lists: "12月5日 03:28" / "Dec 5, 03:28". */
export function beijingShortTime(d: Date | string, lang: Lang | string): string {
	return new Date(d).toLocaleString(lang, { timeZone: ZONE, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}
