/**
 * The subscriptions API's refusals, like the other APIs': a stable `code` and an `error`
 * in the request's language (`subscriptions.*` in the catalogues); field refusals name the field,
 * each with its code, words and the technical detail.
 */
import type { Lang } from '$lib/i18n';
import { apiError } from '$lib/server/http';
import { translatorFor } from '$lib/server/i18n';
import { problemCode, type FieldProblem } from '$lib/subscriptions/errors';

export function refusals(lang: Lang) {
	const t = translatorFor(lang);
	/** `code`: the key under `subscriptions.` without its prefix (api_… or err_…). */
	const refuse = (status: number, key: string, more?: Record<string, unknown>, headers?: HeadersInit) =>
		apiError(status, t(`subscriptions.${key}`, more as Record<string, string> | undefined), { code: key.replace(/^(api|err)_/, ''), ...more }, headers);
	const fields = (problems: Record<string, string>): Record<string, FieldProblem> =>
		Object.fromEntries(
			Object.entries(problems).map(([field, detail]) => {
				const code = problemCode(field, detail);
				return [field, { code, message: t(`subscriptions.err_${code}`, { field, message: detail }), detail }];
			})
		);
	return { refuse, fields };
}
