/**
 * Filing a report: the one verb behind the /report form, POST /api/reports, Open311's
 * POST requests and the assistant's report dialogue. Every channel goes through the
 * same steps in the same order — the form's field checks (parseDraft), the emergency
 * numbers, the report rate limits, the nearby duplicates, the photos, then
 * public.report_submit (which checks everything again in the database). What differs
 * between channels is data (CHANNELS), not a second copy of the steps.
 */
import { emergencyNumbers, type EmergencyNumber } from '$lib/reports/emergency';
import type { Queryable } from '../db/port';
import { townAt } from '../geography/areas';
import { MAX_PHOTOS, photoFiles } from './photos';
import { nearby, parseDraft, preparePhotos, submit, SubmitError, type Draft, type DraftErrors, type Filed, type Nearby, type PreparedPhotos } from './submit';

export type ReportChannel = 'form' | 'api' | 'open311' | 'assistant' | 'safety';

type ChannelRules = {
	/** Stop once to show 119/110/120 before filing (the resident then posts again, having seen them). */
	confirmEmergency: boolean;
	/** Offer "is it one of these?" before filing a second report of the same hazard. */
	nearby: boolean;
	/** How many photos the channel carries. */
	photos: number;
};

export const CHANNELS: Record<ReportChannel, ChannelRules> = {
	// A person at the form can be asked, and can answer in the next post.
	form: { confirmEmergency: true, nearby: true, photos: MAX_PHOTOS },
	// The offline queue replays a form the resident already sent; API clients cannot be asked.
	// Both get the numbers back with the ticket instead.
	api: { confirmEmergency: false, nearby: false, photos: MAX_PHOTOS },
	// A server must not fetch the media_url a client names, so Open311 carries no photo.
	open311: { confirmEmergency: false, nearby: false, photos: 0 },
	// The dialogue asks for one photo; the emergency answer is the assistant's own intent.
	assistant: { confirmEmergency: false, nearby: false, photos: 1 },
	// "I need help" (the warning page's form, an SMS reply): the call-now box is shown
	// first by the page itself; a person in danger is never asked "is it one of these?".
	safety: { confirmEmergency: false, nearby: false, photos: 0 }
};

/** Who files: their database access and the rate limit that applies to them. */
export type Caller = {
	db: <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>;
	/** null when a report may be filed now, else when to try again. */
	limit: () => Date | null;
};

export type ReportDraft = {
	/** The /report form's fields (and `photos` files on channels that take them). */
	fields: FormData;
	/** Photos re-encoded already (the dialogue does it when the photo arrives). */
	prepared?: PreparedPhotos;
	/** The form's second post: the numbers were shown / "file a new report anyway" was chosen. */
	emergencySeen?: boolean;
	newAnyway?: boolean;
};

export type FileOutcome =
	| { kind: 'invalid'; draft: Draft; errors: DraftErrors }
	| { kind: 'emergency'; draft: Draft; numbers: EmergencyNumber[] }
	| { kind: 'limited'; draft: Draft; retryAt: Date }
	| { kind: 'nearby'; draft: Draft; nearby: Nearby[] }
	| { kind: 'filed'; draft: Draft; filed: Filed; numbers: EmergencyNumber[] };

export async function fileReport(caller: Caller, input: ReportDraft, channel: ReportChannel): Promise<FileOutcome> {
	const rules = CHANNELS[channel];
	await townOfPoint(caller, input.fields);
	const { draft, errors } = parseDraft(input.fields);
	if (Object.keys(errors).length) return { kind: 'invalid', draft, errors };
	// Emergencies first: once, before anything is filed.
	const numbers = emergencyNumbers(draft.category, draft.description);
	if (rules.confirmEmergency && numbers.length && !input.emergencySeen) return { kind: 'emergency', draft, numbers };
	// The nearby lookup counts against the report limits too: it answers about other
	// people's reports, so it must not be free to repeat from chosen points.
	const retryAt = caller.limit();
	if (retryAt) return { kind: 'limited', draft, retryAt };
	if (rules.nearby && !input.newAnyway) {
		const near = await caller.db((tx) => nearby(tx, draft));
		if (near.length) return { kind: 'nearby', draft, nearby: near };
	}
	try {
		// Re-encoding happens before the transaction, which should stay short.
		const photos = input.prepared?.slice(0, rules.photos) ?? (await preparePhotos(photoFiles(input.fields).slice(0, rules.photos)));
		const filed = await caller.db((tx) => submit(tx, draft, photos));
		return { kind: 'filed', draft, filed, numbers };
	} catch (error) {
		if (error instanceof SubmitError) return { kind: 'invalid', draft, errors: { [error.field]: error.key } };
		throw error;
	}
}

/**
 * A located point needs no township chosen by hand: the server takes the township the point
 * lies in (a tester's located report was refused "choose a township" although the page had
 * named it). A township the resident chose stays theirs; a point outside the district is
 * left for report_submit to refuse as before.
 */
async function townOfPoint(caller: Caller, fields: FormData): Promise<void> {
	const text = (name: string) => String(fields.get(name) ?? '').trim();
	if (text('town') || /^110118\d{6}$/.test(text('village')) || !text('lat') || !text('lon')) return;
	const lat = Number(text('lat'));
	const lon = Number(text('lon'));
	if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return;
	const town = await caller.db((tx) => townAt(tx, lat, lon));
	if (town) fields.set('town', town);
}

/** The fields of a draft as the form posts them (for channels that assemble a draft themselves). */
export function draftFields(fields: Record<string, string | number | null | undefined>): FormData {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.set(name, value === null || value === undefined ? '' : String(value));
	return form;
}
