/**
 * The text of an outbox message in one language: the console shows it in the admin's
 * language, the SMS sender renders it in Chinese for the recipient. One renderer, so
 * what an admin reads is what was sent.
 */
import type { TFunction } from 'i18next';
import type { Lang } from './i18n';
import { beijingWeekdayTime } from './time';

export type SmsTextParams = Record<string, string | number | null>;

/** Templates that carry a one-time code (also listed in the database's sms_codes_not_kept check). */
export const CODE_TEMPLATES = ['sign_in_code', 'subscription_code'] as const;
export type CodeTemplate = (typeof CODE_TEMPLATES)[number];

export function isCodeTemplate(template: string): template is CodeTemplate {
	return (CODE_TEMPLATES as readonly string[]).includes(template);
}

export function renderSmsText(t: TFunction, lang: Lang, message: { template: string; params: SmsTextParams }): string {
	const p = message.params;
	return t(`sms_texts.templates.${message.template}`, {
		...p,
		title: lang === 'en' ? p.title_en : p.title_zh,
		when: p.starts_at ? beijingWeekdayTime(String(p.starts_at), lang) : ''
	});
}

/**
 * What the console shows of a message: a one-time code only when the row kept it for
 * the demo, otherwise that a code was sent (the outbox never holds it).
 */
export function consoleText(t: TFunction, lang: Lang, message: { template: string; params: SmsTextParams }): string {
	if (isCodeTemplate(message.template) && !('code' in message.params)) return t('sms_texts.code_sent', { minutes: message.params.minutes ?? 10 });
	return renderSmsText(t, lang, message);
}
