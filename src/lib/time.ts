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

const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** Milliseconds at 00:00 UTC of that calendar day; null for a day the calendar has not ("2027-02-30" does not roll over to March). */
function calendarDay(year: number, month: number, day: number): number | null {
	const at = Date.UTC(year, month - 1, day);
	const back = new Date(at);
	return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day ? at : null;
}

/** The last moment of a Beijing calendar day "YYYY-MM-DD" (23:59:59.999 +08:00); null when it is no such day. */
export function endOfBeijingDay(day: string): Date | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
	const at = m ? calendarDay(Number(m[1]), Number(m[2]), Number(m[3])) : null;
	return at === null ? null : new Date(at + DAY_MS - BEIJING_OFFSET_MS - 1);
}

/**
 * A moment from a form or the wire, strictly: a Beijing day "YYYY-MM-DD" is the end of that
 * day; a date-time "YYYY-MM-DDTHH:MM[:SS[.sss]]" with "Z" or "±HH:MM" (Beijing time without
 * one). null for anything else, and for a day or a time the calendar has not — where
 * `new Date()` would quietly read "2027-02-30" as 2 March.
 */
export function parseMoment(text: string): Date | null {
	if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return endOfBeijingDay(text);
	const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
	if (!m) return null;
	const day = calendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
	const [hours, minutes, seconds] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
	if (day === null || hours > 23 || minutes > 59 || seconds > 59) return null;
	const zone = m[8]?.toUpperCase();
	let offset = BEIJING_OFFSET_MS;
	if (zone === 'Z') offset = 0;
	else if (zone) {
		const [oh, om] = [Number(zone.slice(1, 3)), Number(zone.slice(-2))];
		if (oh > 14 || om > 59) return null;
		offset = (zone.startsWith('-') ? -1 : 1) * (oh * 3600_000 + om * 60_000);
	}
	const millis = Math.floor(Number(`0.${m[7] ?? 0}`) * 1000);
	return new Date(day + hours * 3600_000 + minutes * 60_000 + seconds * 1000 + millis - offset);
}

/**
 * A form's datetime-local value "YYYY-MM-DDTHH:MM" as Beijing time (the district's clock,
 * whatever the server's zone); null when empty, malformed or not on the calendar
 * ("2027-02-30T09:00" is refused, not read as 2 March). The console's date fields all read it.
 */
export function fromBeijingInput(value: string): Date | null {
	return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? parseMoment(value) : null;
}

/** A moment as a datetime-local value in Beijing time, for a form to show. */
export function toBeijingInput(date: Date): string {
	return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16);
}
