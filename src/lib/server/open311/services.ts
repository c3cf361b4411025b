/**
 * GeoReport "services" are the report categories, named in the caller's language.
 * No category asks for more than the common fields, so every service has
 * metadata=false and its definition has no attributes.
 */
import type { TFunction } from 'i18next';
import { isLang, makeT, negotiate, type Lang } from '$lib/i18n';
import type { ReportCategory } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { messagesFor } from '../i18n';

/** `locale` (the spec's wording), else `lang`, else Accept-Language; zh-CN by default. */
export function requestLang(params: URLSearchParams, acceptLanguage: string | null): Lang {
	const asked = params.get('locale') ?? params.get('lang');
	if (asked) return isLang(asked) ? asked : negotiate(asked.replace('_', '-'));
	return negotiate(acceptLanguage);
}

export function translator(lang: Lang): TFunction {
	return makeT(lang, messagesFor(lang));
}

export type CategoryRow = { code: ReportCategory; urgency: string; dispatch_hours: number; feedback_hours: number };

export function categories(tx: Queryable): Promise<CategoryRow[]> {
	return tx.query<CategoryRow>('select code, urgency, dispatch_hours, feedback_hours from public.report_categories order by sort, code');
}

export type Service = {
	service_code: ReportCategory;
	service_name: string;
	description: string;
	metadata: boolean;
	type: 'realtime';
	keywords: string;
	group: string;
};

export function describe(c: CategoryRow, t: TFunction): Service {
	const name = t(`reports.categories.${c.code}`);
	return {
		service_code: c.code,
		service_name: name,
		description: t('open311.description', { name, hours: c.feedback_hours }),
		metadata: false,
		// A report is filed at once and gets its ticket (service_request_id) in the answer.
		type: 'realtime',
		keywords: t(`open311.keywords.${c.code}`),
		group: t(`open311.groups.${c.urgency}`)
	};
}

export async function serviceList(tx: Queryable, lang: Lang): Promise<Service[]> {
	const t = translator(lang);
	return (await categories(tx)).map((c) => describe(c, t));
}

export type ServiceDefinition = { service_code: ReportCategory; attributes: [] };

/** The spec's definition of a service without attributes; null for an unknown code. */
export async function serviceDefinition(tx: Queryable, code: string): Promise<ServiceDefinition | null> {
	const known = (await categories(tx)).some((c) => c.code === code);
	return known ? { service_code: code as ReportCategory, attributes: [] } : null;
}

/** When this interface last changed, for the discovery document's changeset. */
const CHANGESET = '2026-11-29T00:00:00+08:00';

/** The spec's service discovery: where the GeoReport v2 endpoint is and what it speaks. */
export function discovery(origin: string, lang: Lang) {
	const t = translator(lang);
	return {
		changeset: CHANGESET,
		contact: t('open311.contact'),
		key_service: t('open311.key_service'),
		endpoints: [
			{
				specification: 'http://wiki.open311.org/GeoReport_v2',
				url: `${origin}/open311/v2`,
				changeset: CHANGESET,
				type: 'production',
				formats: ['text/xml', 'application/json']
			}
		]
	};
}
