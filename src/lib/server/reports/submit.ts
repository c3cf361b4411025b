/**
 * A resident's report: the form (multipart, the same with JavaScript off, from the
 * offline queue, or from an API client) checked field by field, then filed through
 * public.report_submit, which checks everything again in the database.
 */
import { randomBytes } from 'node:crypto';
import { ReportCategoryValues, type ReportCategory } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { DomainError, domainError, type Refusal } from '../errors';
import { photoFiles, PhotoError, processPhotos, MAX_PHOTOS } from './photos';
import { plainDecimal } from '../../decimal';

export type Draft = {
	key: string;
	token: string;
	category: ReportCategory | '';
	description: string;
	town: string;
	village: string;
	address: string;
	lat: number | null;
	lon: number | null;
	name: string;
	phone: string;
};
export type DraftErrors = Partial<Record<keyof Draft | 'photos' | 'location', string>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[A-Za-z0-9_-]{32,128}$/;

/** A fresh idempotency key and tracking token for a form about to be shown. */
export function freshIds(): { key: string; token: string } {
	return { key: crypto.randomUUID(), token: randomBytes(24).toString('base64url') };
}

/** A coordinate in range, null when not given, NaN otherwise; `notNumber` says which kind of NaN. */
function coordinate(raw: string, min: number, max: number, notNumber: { seen: boolean }): number | null {
	const n = plainDecimal(raw);
	if (n !== null && Number.isNaN(n)) notNumber.seen = true;
	return n === null || (n >= min && n <= max) ? n : NaN;
}

export function parseDraft(form: FormData): { draft: Draft; errors: DraftErrors } {
	const text = (name: string) => String(form.get(name) ?? '').trim();
	const errors: DraftErrors = {};
	const notNumber = { seen: false };
	const village = text('village');
	const draft: Draft = {
		key: text('key'),
		token: text('token'),
		category: (ReportCategoryValues as readonly string[]).includes(text('category')) ? (text('category') as ReportCategory) : '',
		description: text('description'),
		// The village's code starts with its township's: a village alone is enough.
		town: text('town') || (/^110118\d{6}$/.test(village) ? village.slice(0, 9) : ''),
		village,
		address: text('address'),
		lat: coordinate(text('lat'), -90, 90, notNumber),
		lon: coordinate(text('lon'), -180, 180, notNumber),
		name: text('name'),
		phone: text('phone')
	};
	if (!UUID.test(draft.key)) errors.key = 'reports.errors.form_expired';
	if (!TOKEN.test(draft.token)) errors.token = 'reports.errors.form_expired';
	if (!draft.category) errors.category = 'reports.errors.category';
	if (draft.description.length < 5) errors.description = 'reports.errors.description_short';
	else if (draft.description.length > 2000) errors.description = 'reports.errors.description_long';
	if (!/^110118\d{3}$/.test(draft.town)) errors.town = 'reports.errors.town';
	if (draft.village && !draft.village.startsWith(draft.town)) errors.village = 'reports.errors.village';
	if (Number.isNaN(draft.lat) || Number.isNaN(draft.lon) || (draft.lat === null) !== (draft.lon === null)) {
		errors.location = notNumber.seen ? 'reports.errors.location_not_number' : 'reports.errors.location';
	}
	if (!draft.village && !draft.address && draft.lat === null) errors.address = 'reports.errors.where';
	if (draft.address.length > 200) errors.address = 'reports.errors.too_long';
	if (draft.name.length > 40) errors.name = 'reports.errors.too_long';
	if (draft.phone && !/^[0-9+() -]{5,20}$/.test(draft.phone)) errors.phone = 'reports.errors.phone';
	if (photoFiles(form).length > MAX_PHOTOS) errors.photos = 'reports.errors.too_many_photos';
	return { draft, errors };
}

export type Filed = { ticket: string; token: string; created: boolean };

/** A refused report: the field it concerns and the i18n key that says why. */
export class SubmitError extends DomainError<keyof DraftErrors> {
	declare readonly field: keyof DraftErrors;
	constructor(field: keyof DraftErrors, key: string) {
		super(key, field);
		this.name = 'SubmitError';
	}
}

const SUBMIT_REFUSALS: Refusal<keyof DraftErrors>[] = [
	{ sqlstate: '22023', raised: 'location', key: 'reports.errors.location', field: 'location' },
	{ sqlstate: '22023', raised: 'village', key: 'reports.errors.village', field: 'village' },
	{ sqlstate: '23503', key: 'reports.errors.town', field: 'town' }
];

export type PreparedPhotos = Awaited<ReturnType<typeof processPhotos>>;

/** Re-encodes the photos — before the database transaction, which should stay short. */
export async function preparePhotos(files: File[]): Promise<PreparedPhotos> {
	try {
		return await processPhotos(files);
	} catch (error) {
		if (error instanceof PhotoError) throw new SubmitError('photos', error.key);
		throw error;
	}
}

/** Files the report. The same key twice gives the one report. */
export async function submit(tx: Queryable, draft: Draft, photos: PreparedPhotos = []): Promise<Filed> {
	try {
		const [row] = await tx.query<{ ticket: string; created: boolean }>(
			`select * from public.report_submit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)`,
			[
				draft.key,
				draft.token,
				draft.category,
				draft.description,
				draft.town,
				draft.village || null,
				draft.address || null,
				draft.lon,
				draft.lat,
				draft.name || null,
				draft.phone || null,
				JSON.stringify(photos)
			]
		);
		return { ticket: row!.ticket, token: draft.token, created: row!.created };
	} catch (error) {
		const refused = domainError(error, SUBMIT_REFUSALS);
		throw new SubmitError(refused.field!, refused.key);
	}
}

/** description: null until the desk has seen the report; meters: from its rounded point, to 100 m. */
export type Nearby = { id: number; ticket: string; description: string | null; created_at: Date; meters: number | null; supporters: number };

export function nearby(tx: Queryable, draft: Pick<Draft, 'category' | 'lat' | 'lon' | 'village'>): Promise<Nearby[]> {
	if (!draft.category || (draft.lat === null && !draft.village)) return Promise.resolve([]);
	return tx.query<Nearby>('select * from public.reports_nearby($1, $2, $3, $4)', [
		draft.category,
		draft.lon,
		draft.lat,
		draft.village || null
	]);
}

/**
 * "This is my problem too". Returns the ticket, or null when the report is no longer open.
 * `token`: the joiner's own tracking token (only its hash is stored), as for a new report.
 */
export async function join(tx: Queryable, reportId: number, key: string, name: string, phone: string, token: string | null = null): Promise<string | null> {
	try {
		const [row] = await tx.query<{ ticket: string }>('select public.report_join($1, $2, $3, $4, $5) as ticket', [
			reportId,
			key,
			name || null,
			phone || null,
			token
		]);
		return row!.ticket;
	} catch (error) {
		if ((error as { code?: string }).code === 'P0002') return null;
		throw error;
	}
}
