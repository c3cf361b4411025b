/**
 * POST requests: an Open311 client files a report through fileReport, as /report does —
 * parseDraft's checks, the report rate limits, public.report_submit (which checks again
 * and routes at dispatch by the same rules). Only an API key with the role `open311` may.
 */
import type { TFunction } from 'i18next';
import type { ApiKeyIdentity } from '../auth/api-keys';
import type { Identity } from '../auth/identity';
import type { Queryable } from '../db/port';
import type { RateLimiter } from '../rate-limit';
import { draftFields, fileReport, type Caller } from '../reports/file';
import { reportLimit, retryAfter } from '../reports/limits';
import { freshIds, type DraftErrors } from '../reports/submit';
import { Open311Error } from './format';
import { notice } from './requests';
import { categories } from './services';
import { plainDecimal } from '../../decimal';

/** The key from `api_key` (the spec's way) or the Bearer header (already checked by the hook). */
export async function authorize(
	identity: Identity,
	apiKey: string | null,
	findKey: (key: string) => Promise<ApiKeyIdentity | null>
): Promise<ApiKeyIdentity> {
	const key = apiKey ? await findKey(apiKey) : identity.kind === 'apikey' ? identity : null;
	if (!key) {
		throw new Open311Error(
			403,
			apiKey
				? 'api_key is not valid (unknown or revoked)'
				: 'filing a service request needs an API key: the api_key parameter or "Authorization: Bearer <key>"'
		);
	}
	if (key.role !== 'open311') throw new Open311Error(403, `this API key's role is ${key.role}; filing service requests needs an open311 key`);
	return key;
}

/** Where each of parseDraft's fields comes from in the spec's parameters, to name it in an error. */
const PARAM: Record<keyof DraftErrors, string> = {
	key: 'request',
	token: 'request',
	category: 'service_code',
	description: 'description',
	town: 'address_id or lat/long (a place in a township of Miyun)',
	village: 'address_id',
	address: 'address_string',
	location: 'lat/long',
	lat: 'lat',
	lon: 'long',
	name: 'first_name/last_name',
	phone: 'phone',
	photos: 'media'
};

/** The township a point lies in (approximate areas; the desk may re-dispatch). */
async function townAt(tx: Queryable, lat: number, lon: number): Promise<string> {
	const [row] = await tx.query<{ code: string }>(
		`select code from public.town_areas
		  where extensions.st_intersects(area, extensions.st_setsrid(extensions.st_makepoint($1, $2), 4326)) limit 1`,
		[lon, lat]
	);
	return row?.code ?? '';
}

/**
 * The spec's parameters as the /report form's fields. address_id is a township (9 digits)
 * or village (12 digits) code; without it the township is the one the point lies in.
 * email, device_id, account_id and media_url are not stored (the form has no such
 * fields, and a server must not fetch a URL a client names).
 */
export async function fieldsFrom(tx: Queryable, form: FormData): Promise<FormData> {
	const text = (name: string) => String(form.get(name) ?? '').trim();
	const addressId = text('address_id');
	const lat = text('lat');
	const lon = text('long');
	let town = /^110118\d{3}$/.test(addressId) ? addressId : '';
	const village = /^110118\d{6}$/.test(addressId) ? addressId : '';
	if (addressId && !town && !village) throw new Open311Error(400, `address_id "${addressId}" is not a township or village code of Miyun`);
	const latN = plainDecimal(lat);
	const lonN = plainDecimal(lon);
	if (!town && !village && latN !== null && lonN !== null && Number.isFinite(latN) && Number.isFinite(lonN)) {
		town = await townAt(tx, latN, lonN);
	}
	return draftFields({
		...freshIds(),
		category: text('service_code'),
		description: text('description'),
		town,
		village,
		address: text('address_string'),
		lat,
		lon,
		name: [text('first_name'), text('last_name')].filter(Boolean).join(' '),
		phone: text('phone')
	});
}

export type Created = { service_request_id: string; service_notice: string | null; account_id: null };

export type Limits = { reportsPerAddress: RateLimiter; reportsPerDevice: RateLimiter };

/** Files the report through fileReport; the client's device_id counts as a device per key. */
export async function fileRequest(
	db: Caller['db'],
	fields: FormData,
	t: TFunction,
	limit: { limits: Limits; address: string; keyId: string; deviceId: string }
): Promise<Created> {
	const device = limit.deviceId ? `open311:${limit.keyId}:${limit.deviceId.slice(0, 100)}` : null;
	const outcome = await fileReport({ db, limit: () => reportLimit(limit.limits, limit.address, device) }, { fields }, 'open311');
	switch (outcome.kind) {
		case 'invalid': {
			const problems = Object.entries(outcome.errors).map(([field, key]) => `${PARAM[field as keyof DraftErrors]}: ${t(key)}`);
			throw new Open311Error(400, [...new Set(problems)]);
		}
		case 'limited': {
			const { retryAt } = outcome;
			throw new Open311Error(429, `too many reports from this address or device; try again at ${retryAt.toISOString()}`, {
				'retry-after': retryAfter(retryAt)
			});
		}
		case 'emergency':
		case 'nearby':
			throw new Error(`the open311 channel does not stop for ${outcome.kind}`);
		case 'filed': {
			const { ticket } = outcome.filed;
			const clocks = (await db((tx) => categories(tx))).find((c) => c.code === outcome.draft.category);
			const lines = [outcome.numbers.length ? t('open311.notice_emergency', { numbers: outcome.numbers.join(' / ') }) : null, notice(t, ticket, clocks)];
			return { service_request_id: ticket, service_notice: lines.filter(Boolean).join(' '), account_id: null };
		}
	}
}
