/**
 * The sentences of a nearest-shelter answer, shared by the /shelters page (online and on
 * the device), the API's clients and the assistant (online and offline), so every one says
 * the same thing about a left-out shelter or a far, empty answer.
 */
import type { TFunction } from 'i18next';
import type { ExcludedShelter, NearestAnswer } from './types';

export function formatDistance(metres: number, t: TFunction): string {
	return metres < 1000 ? t('shelters.distance_m', { n: Math.round(metres / 10) * 10 }) : t('shelters.distance_km', { n: (metres / 1000).toFixed(1) });
}

/** Why a shelter is left out: the exclusion table's reason and the warning's level, or closed / full. */
export function excludedReason(t: TFunction, e: ExcludedShelter, lang: string): string {
	if (e.reason !== 'in_warning_area') return t(`shelters.status.${e.reason}`);
	const reason = (lang === 'en' ? e.reason_en : e.reason_zh) ?? '';
	return e.warning_level ? t('shelters.excluded_warning', { reason, level: t(`levels.${e.warning_level}`) }) : reason;
}

export function excludedLine(t: TFunction, e: ExcludedShelter, lang: string): string {
	return t('shelters.excluded_line', { name: lang === 'en' ? e.name_en : e.name_zh, reason: excludedReason(t, e, lang) });
}

/** What the list alone leaves unsaid (see NearestNotice), or null. */
export function noticeText(t: TFunction, answer: Pick<NearestAnswer, 'notice' | 'shelters'>): string | null {
	const first = answer.shelters[0];
	switch (answer.notice) {
		case 'all_near_excluded':
			return t(first ? 'shelters.notice_all_near_excluded' : 'shelters.notice_all_excluded_none');
		case 'none_near':
			return t('shelters.notice_none_near', { distance: first ? formatDistance(first.distance_m, t) : '' });
		case 'none_suitable':
			return t('shelters.none_suitable');
		default:
			return null;
	}
}
