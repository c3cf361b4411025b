import type { TFunction } from 'i18next';

export function formatDistance(metres: number, t: TFunction): string {
	return metres < 1000 ? t('shelters.distance_m', { n: Math.round(metres / 10) * 10 }) : t('shelters.distance_km', { n: (metres / 1000).toFixed(1) });
}

/** The "as of" time, always in Beijing time so server and device agree. */
export function formatTime(iso: string, lang: string): string {
	return new Intl.DateTimeFormat(lang, { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
