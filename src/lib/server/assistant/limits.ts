/**
 * The assistant's own budget, apart from the anonymous write budget the reports use: a
 * resident chatting through a storm must not lose the report form, and a report must not
 * silence the assistant. Counted per device (the cookie the page sets) where there is
 * one, else per address; and per address with room for a whole township behind one
 * carrier address (CGNAT), so one abuser is stopped while the village next to them is not.
 * Emergencies are read before any budget is spent (see `limited` below): a limit never
 * keeps the call box from someone in danger.
 */
import type { Lang } from '$lib/i18n';
import type { RateLimiter } from '../rate-limit';
import { callBox, translator } from './answers';
import { matchGuide } from './guides';
import { understand } from '$lib/assistant/understand';
import { normalize } from '$lib/assistant/text';
import { ANY_NUMBER } from '$lib/assistant/classify';
import type { Answer, Link } from './types';

/** One person's pace: a question every two seconds for a minute. */
export const ASSISTANT_PER_CLIENT = { limit: 30, windowMs: 60_000 };
/** Many phones behind one carrier address: twenty people asking at that pace. */
export const ASSISTANT_PER_ADDRESS = { limit: 600, windowMs: 60_000 };

export type AssistantLimits = { assistantPerClient: RateLimiter; assistantPerAddress: RateLimiter };

/** Seconds to wait before the next question is answered in full, or 0 (nothing spent once one budget refuses). */
export function assistantWait(limits: AssistantLimits, address: string, device: string | null, now = Date.now()): number {
	return limits.assistantPerClient.hit(device ? `device:${device}` : `address:${address}`, now) || limits.assistantPerAddress.hit(address, now);
}

/** The words of a refusal, in both languages (a tourist may read the other one), with when to ask again. */
export function limitedWords(seconds: number): Record<Lang, string> {
	return { 'zh-CN': translator('zh-CN')('assistant.page.rate_limited', { seconds }), en: translator('en')('assistant.page.rate_limited', { seconds }) };
}

/** The numbers to call, as one-tap links: a refusal always carries them. */
export function callLinks(lang: Lang): Link[] {
	const t = translator(lang);
	return ANY_NUMBER.map((n) => ({ href: `tel:${n}`, title: t('emergency.call', { number: n, name: t(`emergency.number_${n}`) }) }));
}

/**
 * What a rate-limited message still gets: an emergency gets the call box (and the guide)
 * as a full answer gives it, without touching the database; anything else null (the caller
 * refuses it with `limitedWords`). The same understanding as a full answer.
 */
export function limited(lang: Lang, raw: string): Answer | null {
	const text = normalize(raw);
	const u = understand(text, { guide: matchGuide(lang, text) });
	return u.intent === 'emergency' ? callBox(lang, u, text) : null;
}
