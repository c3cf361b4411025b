/**
 * 报平安 from the assistant: the links its warnings and emergency answers end with, to
 * the same form the warning page opens. Kept here so the assistant's own code only
 * appends them (the dialogue and the classifier stay the assistant's).
 */
import type { TFunction } from 'i18next';
import type { Link } from '../../assistant/replies';

/** "I am safe" / "I need help" about a warning (its thread), or about none. */
export function safetyLinks(t: TFunction, thread: string | null, which: 'both' | 'help' = 'both'): Link[] {
	const w = thread ? `w=${thread}&` : '';
	const help = { href: `/safe?${w}s=help`, title: t('safety.help_button') };
	return which === 'help' ? [help] : [{ href: `/safe?${w}s=safe`, title: t('safety.safe_button') }, help];
}
