/**
 * The text of an outbox message in one language: the console shows it in the admin's
 * language, the SMS sender renders it in Chinese for the recipient. One renderer, so
 * what an admin reads is what was sent.
 */
import type { TFunction } from 'i18next';
import type { Lang } from './i18n';
import { when } from './volunteers/format';

export type OutboxParams = Record<string, string | number | null>;

export function renderOutbox(t: TFunction, lang: Lang, message: { template: string; params: OutboxParams }): string {
	const p = message.params;
	return t(`outbox.templates.${message.template}`, {
		...p,
		title: lang === 'en' ? p.title_en : p.title_zh,
		when: p.starts_at ? when(String(p.starts_at), lang) : ''
	});
}
