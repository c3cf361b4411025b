/**
 * A report form checked field by field: the same check on the server (every channel:
 * the page, the API, the offline queue, SMS) and in the browser before a report is kept
 * on the device offline — so a kept report is one the server will take, not one it
 * refuses later when nobody is looking. The database checks everything again.
 */
import { ReportCategoryValues, type ReportCategory } from '../db-types.gen';
import { plainDecimal } from '../decimal';

/** At most this many photos per report. */
export const MAX_PHOTOS = 4;

/** The photo files of a form (empty file inputs left out). */
export function photoFiles(form: FormData, field = 'photos'): File[] {
	return form.getAll(field).filter((v): v is File => typeof v !== 'string' && v.size > 0);
}

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
