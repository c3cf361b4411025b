/**
 * Times as residents and tourists read them: always Beijing time, never a bare numeric date
 * ("12/5/26" is 5 December to an American and 12 May to most others), 24-hour clock. In
 * English the zone is named where a time of day is shown (a tourist's phone may be set to
 * another one); in Chinese everyone reads Beijing time. Every time a page, a text or a
 * notice shows goes through here (time.spec.ts keeps inline formatting out of src/):
 * a device in another time zone still shows Beijing time.
 */
import type { Lang } from './i18n';

const ZONE = 'Asia/Shanghai';

type Options = Intl.DateTimeFormatOptions;

const CLOCK: Options = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const zoned = (lang: Lang | string): Options => (lang.startsWith('zh') ? {} : { timeZoneName: 'short' });

/** A moment as the database or the wire gives it; nothing (a deadline not set) reads as ''. */
type When = Date | string | number | null | undefined;

function format(d: When, lang: Lang | string, options: Options): string {
	if (d === null || d === undefined || d === '') return '';
	return new Intl.DateTimeFormat(lang, { timeZone: ZONE, ...options }).format(new Date(d));
}

/** Date and time: "2026年12月5日 03:28" / "Dec 5, 2026, 03:28 GMT+8". */
export function beijingTime(d: When, lang: Lang | string): string {
	return format(d, lang, { year: 'numeric', month: 'short', day: 'numeric', ...CLOCK, ...zoned(lang) });
}

/** Within the year, for lists: "12月5日 03:28" / "Dec 5, 03:28". */
export function beijingShortTime(d: When, lang: Lang | string): string {
	return format(d, lang, { month: 'short', day: 'numeric', ...CLOCK });
}

/** A time of day: "03:28" / "03:28 GMT+8"; with seconds for "as of" clocks that tick. */
export function beijingClock(d: When, lang: Lang | string, o: { seconds?: boolean } = {}): string {
	return format(d, lang, { ...CLOCK, ...(o.seconds ? { second: '2-digit' } : {}), ...zoned(lang) });
}

/** A day: "2026年12月5日" / "December 5, 2026". */
export function beijingDay(d: When, lang: Lang | string): string {
	return format(d, lang, { year: 'numeric', month: 'long', day: 'numeric' });
}

/** A day with its weekday, for plans and screens: "12月5日周六" / "Sat, December 5"; `year` adds it ("2026年12月5日星期六"). */
export function beijingWeekday(d: When, lang: Lang | string, o: { year?: boolean } = {}): string {
	return format(d, lang, o.year ? { dateStyle: 'full' } : { month: 'long', day: 'numeric', weekday: 'short' });
}

/** An event's start, with its weekday: "12月5日周六 09:00" / "Sat, December 5, 09:00 GMT+8". */
export function beijingWeekdayTime(d: When, lang: Lang | string): string {
	return format(d, lang, { month: 'long', day: 'numeric', weekday: 'short', ...CLOCK, ...zoned(lang) });
}
