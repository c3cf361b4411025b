/**
 * What the warning pages share (client-safe): choosing the text in the visitor's
 * language, telling drills from the real thing, ordering by severity.
 */
import type { Lang } from './i18n';

export type InfoText = { lang: string; event: string; headline: string; description: string; instruction: string; senderName: string; areaDesc: string };

/** The info block in the visitor's language, else the Chinese one, else the first. */
export function infoFor<T extends { lang: string }>(infos: T[], lang: Lang): T | undefined {
	const base = lang.split('-')[0]!;
	return infos.find((i) => i.lang === lang) ?? infos.find((i) => i.lang.split('-')[0] === base) ?? infos.find((i) => i.lang.startsWith('zh')) ?? infos[0];
}

/** Exercise and Test warnings are drills: always marked, never mistaken for the real thing. */
export function isDrill(status: string): boolean {
	return status === 'Exercise' || status === 'Test' || status === 'Draft' || status === 'System';
}

export const SEVERITY_RANK = { blue: 1, yellow: 2, orange: 3, red: 4 } as const;
