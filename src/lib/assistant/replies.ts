/** Replies the server and the offline page both give, from the same words. */
import type { TFunction } from 'i18next';
import type { EmergencyNumber } from '$lib/reports/emergency';
import type { Act } from './classify';

export type Link = { href: string; title: string };

/** The forest fire line, called beside 119 when a forest fire is near. */
const FOREST_FIRE_LINE = '12119';

/**
 * "Call 119 now", the numbers with their names, and one-tap call links — nothing before it.
 * A gas smell says leave first, then call from outside (the gas guide: no switches, no
 * phone inside); a forest fire adds the forest fire line and "leave early"; while the
 * ground shakes, the call comes after taking cover (the earthquake answer leads with it).
 */
export function callNow(t: TFunction, numbers: EmergencyNumber[], act: Act | null = null): { reply: string; links: Link[] } {
	const lines = numbers.map((n) => t('assistant.reply.call_line', { number: n, name: t(`emergency.number_${n}`) }));
	const links: Link[] = numbers.map((n) => ({ href: `tel:${n}`, title: t('emergency.call', { number: n, name: t(`emergency.number_${n}`) }) }));
	const head = act === 'gas' ? 'call_now_leave' : act === 'earthquake' ? 'call_after_shaking' : 'call_now';
	const extra: string[] = [];
	if (act === 'forest_fire') {
		extra.push(t('assistant.reply.call_forest_line', { number: FOREST_FIRE_LINE }), t('assistant.reply.forest_leave_early'));
		links.splice(1, 0, { href: `tel:${FOREST_FIRE_LINE}`, title: t('assistant.reply.call_forest_link', { number: FOREST_FIRE_LINE }) });
	}
	return { reply: [t(`assistant.reply.${head}`, { number: numbers[0] }), ...lines, ...extra, t('assistant.reply.call_then')].join('\n'), links };
}

/** The first lines a call box can open with (for the evaluation's "call-now first"). */
export const CALL_HEADS = ['call_now', 'call_now_leave', 'call_after_shaking'] as const;
