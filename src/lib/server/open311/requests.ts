/**
 * GET requests / requests/{id} / tokens/{token}: service requests with public fields
 * only, read through public.open311_requests (no personal data, no hidden reports,
 * positions rounded to ~100 m, the township/village as the address).
 */
import type { TFunction } from 'i18next';
import type { Lang } from '$lib/i18n';
import { ReportCategoryValues, type ReportCategory } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { nameOf } from '../district';
import { capTime } from '../warnings/model';
import { Open311Error } from './format';
import { categories, translator, type CategoryRow } from './services';

/** The spec's default window and cap for GET requests. */
export const WINDOW_DAYS = 90;
export const MAX_REQUESTS = 1000;
const DAY_MS = 24 * 3600_000;

export type Filters =
	| { tickets: string[] }
	| { categories: ReportCategory[] | null; from: Date; to: Date; open: boolean; closed: boolean };

// W3C date-time with a zone (the spec requires one), or a date alone (midnight, Beijing time).
const W3C = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[-+]\d\d:\d\d))?$/;

function date(params: URLSearchParams, name: string): Date | null {
	const raw = params.get(name)?.trim();
	if (!raw) return null;
	const value = W3C.test(raw) ? new Date(raw.length === 10 ? `${raw}T00:00:00+08:00` : raw) : null;
	if (!value || Number.isNaN(value.getTime())) {
		throw new Open311Error(400, `${name} "${raw}" is not a W3C date-time with a time zone, like 2026-11-01T00:00:00+08:00`);
	}
	return value;
}

function list(params: URLSearchParams, name: string): string[] | null {
	const values = params.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
	return values.length ? values : null;
}

/** The spec's filters; service_request_id overrides all the others. */
export function parseFilters(params: URLSearchParams, now = new Date()): Filters {
	const tickets = list(params, 'service_request_id');
	if (tickets) {
		if (tickets.length > MAX_REQUESTS) throw new Open311Error(400, `service_request_id lists more than ${MAX_REQUESTS} ids`);
		return { tickets };
	}
	const codes = list(params, 'service_code');
	const unknown = codes?.find((c) => !(ReportCategoryValues as readonly string[]).includes(c));
	if (unknown) throw new Open311Error(400, `service_code "${unknown}" is not a service here (see services.json)`);
	const statuses = list(params, 'status');
	const badStatus = statuses?.find((s) => s !== 'open' && s !== 'closed');
	if (badStatus) throw new Open311Error(400, `status "${badStatus}" is neither open nor closed`);

	let from = date(params, 'start_date');
	let to = date(params, 'end_date');
	if (from && to && to < from) throw new Open311Error(400, 'end_date is before start_date');
	if (from && to && to.getTime() - from.getTime() > WINDOW_DAYS * DAY_MS) {
		throw new Open311Error(400, `start_date and end_date may not span more than ${WINDOW_DAYS} days`);
	}
	if (!from && !to) to = now;
	from ??= new Date(to!.getTime() - WINDOW_DAYS * DAY_MS);
	to ??= new Date(from.getTime() + WINDOW_DAYS * DAY_MS);
	return {
		categories: codes as ReportCategory[] | null,
		from,
		to,
		open: !statuses || statuses.includes('open'),
		closed: !statuses || statuses.includes('closed')
	};
}

type Row = {
	ticket: string;
	category: ReportCategory;
	is_open: boolean;
	/** null until the desk has seen the report */
	description: string | null;
	reply: string | null;
	merged_into: string | null;
	department_code: string | null;
	unit_town_code: string | null;
	town_code: string;
	village_code: string | null;
	requested_at: Date;
	updated_at: Date;
	expected_at: Date | null;
	lat: number | null;
	lon: number | null;
	/** the first photo's random key, once the report was reviewed */
	media_key: string | null;
};

export type ServiceRequest = {
	service_request_id: string;
	status: 'open' | 'closed';
	status_notes: string | null;
	service_name: string;
	service_code: ReportCategory;
	description: string | null;
	agency_responsible: string | null;
	service_notice: string | null;
	requested_datetime: string;
	updated_datetime: string;
	expected_datetime: string | null;
	address: string;
	address_id: string;
	zipcode: null;
	lat: number | null;
	long: number | null;
	media_url: string | null;
};

/** What the district promises for an open request: the 12345 clocks of its category. */
export function notice(t: TFunction, ticket: string, c: CategoryRow | undefined): string | null {
	return c ? t('open311.notice', { ticket, dispatch: c.dispatch_hours, hours: c.feedback_hours }) : null;
}

type Context = { t: TFunction; name: Map<string, string>; clocks: Map<string, CategoryRow>; origin: string };

function toRequest(r: Row, { t, name, clocks, origin }: Context): ServiceRequest {
	const unit = r.department_code ?? r.unit_town_code;
	const place = [r.town_code, r.village_code].filter((c): c is string => !!c).map((c) => name.get(c) ?? c);
	return {
		service_request_id: r.ticket,
		status: r.is_open ? 'open' : 'closed',
		status_notes: r.reply ?? (r.merged_into ? t('open311.merged', { ticket: r.merged_into }) : null),
		service_name: t(`reports.categories.${r.category}`),
		service_code: r.category,
		description: r.description,
		agency_responsible: unit ? (name.get(unit) ?? unit) : null,
		service_notice: r.is_open ? notice(t, r.ticket, clocks.get(r.category)) : null,
		requested_datetime: capTime(r.requested_at),
		updated_datetime: capTime(r.updated_at),
		expected_datetime: r.expected_at ? capTime(r.expected_at) : null,
		address: place.join(' '),
		address_id: r.village_code ?? r.town_code,
		zipcode: null,
		lat: r.lat,
		long: r.lon,
		media_url: r.media_key != null ? `${origin}/open311/v2/media/${r.media_key}` : null
	};
}

export async function findRequests(tx: Queryable, filters: Filters, lang: Lang, origin: string): Promise<ServiceRequest[]> {
	const byTicket = 'tickets' in filters;
	// Codes go as text[]: PGlite cannot send an enum array whose type was created after it opened.
	const rows = await tx.query<Row>('select * from public.open311_requests($1::text[], $2::text[]::public.report_category[], $3, $4, $5, $6, $7)', [
		byTicket ? filters.tickets : null,
		byTicket ? null : filters.categories,
		byTicket ? null : filters.from,
		byTicket ? null : filters.to,
		byTicket ? null : filters.open,
		byTicket ? null : filters.closed,
		MAX_REQUESTS
	]);
	const codes = rows.flatMap((r) => [r.town_code, r.village_code, r.department_code, r.unit_town_code]).filter((c): c is string => !!c);
	const context: Context = {
		t: translator(lang),
		name: await nameOf(tx, lang),
		clocks: new Map((await categories(tx)).map((c) => [c.code, c])),
		origin
	};
	return rows.map((r) => toRequest(r, context));
}

/** tokens/{token}: the tracking token a report was filed with gives its ticket. */
export async function requestForToken(tx: Queryable, token: string): Promise<{ service_request_id: string; token: string } | null> {
	if (!/^[A-Za-z0-9_-]{32,128}$/.test(token)) return null;
	const [row] = await tx.query<{ ticket: string }>('select ticket from public.report_track($1)', [token]);
	return row ? { service_request_id: row.ticket, token } : null;
}

const MEDIA_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** media_url: a reviewed report's photo by its random key, unless redacted or its report hidden. */
export async function mediaPhoto(tx: Queryable, key: string): Promise<{ content_type: string; bytes: Uint8Array } | null> {
	if (!MEDIA_KEY.test(key)) return null;
	const [row] = await tx.query<{ content_type: string; bytes: Uint8Array }>('select * from public.open311_media($1)', [key]);
	return row ?? null;
}
