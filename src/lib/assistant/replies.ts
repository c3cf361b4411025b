/** Replies the server and the offline page both give, from the same words. */
import type { TFunction } from 'i18next';
import type { EmergencyNumber } from '$lib/reports/emergency';

export type Link = { href: string; title: string };

/** "Call 119 now", the numbers with their names, and one-tap call links — nothing before it. */
export function callNow(t: TFunction, numbers: EmergencyNumber[]): { reply: string; links: Link[] } {
	const lines = numbers.map((n) => t('assistant.reply.call_line', { number: n, name: t(`emergency.number_${n}`) }));
	return {
		reply: [t('assistant.reply.call_now', { number: numbers[0] }), ...lines, t('assistant.reply.call_then')].join('\n'),
		links: numbers.map((n) => ({ href: `tel:${n}`, title: t('emergency.call', { number: n, name: t(`emergency.number_${n}`) }) }))
	};
}
