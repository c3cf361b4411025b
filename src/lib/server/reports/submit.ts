/**
 * A resident's report: the form (multipart, the same with JavaScript off, from the
 * offline queue, or from an API client) checked field by field, then filed through
 * public.report_submit, which checks everything again in the database.
 */
import type { Queryable } from '../db/port';
import { DomainError, domainError, type Refusal } from '../errors';
import { PhotoError, processPhotos } from './photos';
import type { Draft, DraftErrors } from '../../reports/draft';

export { parseDraft, type Draft, type DraftErrors } from '../../reports/draft';
export { freshIds } from '../../reports/ids';

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
