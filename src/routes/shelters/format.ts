export { formatDistance } from '$lib/shelters/words';

/** The "as of" time, always in Beijing time so server and device agree. */
export function formatTime(iso: string, lang: string): string {
	return new Intl.DateTimeFormat(lang, { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
