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

/**
 * A warning's title as shown anywhere (pages, lists, maps, feeds, screens, loudspeaker
 * scripts): its headline, with the drill mark (【演习】/[EXERCISE], 【测试】…) in front
 * when it is not the real thing. The one place the mark is added to a title.
 */
export function warningTitle(t: (key: string) => string, status: string, headline: string): string {
	return isDrill(status) ? `${t(`warnings.drill_prefix_${status}`)} ${headline}` : headline;
}

export const SEVERITY_RANK = { blue: 1, yellow: 2, orange: 3, red: 4 } as const;

/**
 * Where a warning stands, from its facts and a clock (the server's, or the phone's when
 * a page kept offline is opened later): lifted (cancelled, or expired), coming into
 * force (issued, `effective` still ahead: delivered at issue, people prepare), or in
 * force. One rule for the page, the list, the feed, texts and push (docs/decisions.md,
 * "Effective time").
 */
export type Phase = { kind: 'upcoming'; from: Date } | { kind: 'in_force' } | { kind: 'lifted'; how: 'cancelled' | 'expired'; at: Date | null };

export type PhaseFacts = { state: string; msgType: string; effective: Date; expires: Date; sent: Date | null; endedAt: Date | null };

export function phaseOf(w: PhaseFacts, now: Date, liftedAt: Date | null = null): Phase {
	if (w.msgType === 'Cancel') return { kind: 'lifted', how: 'cancelled', at: w.sent };
	if (w.state === 'cancelled') return { kind: 'lifted', how: 'cancelled', at: w.endedAt };
	// a Cancel the phone received by push while this page was kept offline
	if (liftedAt) return { kind: 'lifted', how: 'cancelled', at: liftedAt };
	if (w.expires.getTime() <= now.getTime()) return { kind: 'lifted', how: 'expired', at: w.expires };
	if (w.effective.getTime() > now.getTime()) return { kind: 'upcoming', from: w.effective };
	return { kind: 'in_force' };
}
