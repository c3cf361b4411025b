/**
 * "I am safe" / "I need help" (报平安): a resident's own mark during a warning, from the
 * warning page, the assistant or an SMS reply. Safe is recorded (with where, a phone and
 * whether a relative may see it); "need help" is a report of the category `rescue`
 * filed through the one filing verb, and a mark pointing at it. Staff see the marks of
 * the phones on the rolls they keep; a relative sees only a shared "safe".
 */
import { createHash } from 'node:crypto';
import { SafetyPlaceValues, type SafetyPlace, type SafetyStatus } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { domainError, type Refusal } from '../errors';
import { fileReport, type Caller, type FileOutcome } from '../reports/file';

export type SafeInput = { key: string; thread: string | null; place: SafetyPlace | null; phone: string; share: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A mainland mobile number, as typed (spaces, dashes, +86 allowed); the database normalises it. */
const MOBILE = /^(?:\+?86|0086)?[\s-]*1[3-9](?:[\s-]*\d){9}$/;

export type SafetyField = 'key' | 'thread' | 'place' | 'phone' | 'share';
export type SafetyErrors = Partial<Record<SafetyField, string>>;

/** Reads the "I am safe" form; errors are i18n keys by field. */
export function parseSafe(form: FormData): { input: SafeInput; errors: SafetyErrors } {
	const text = (name: string) => String(form.get(name) ?? '').trim();
	const errors: SafetyErrors = {};
	const place = text('place');
	const input: SafeInput = {
		key: text('key'),
		thread: text('thread') || null,
		place: (SafetyPlaceValues as readonly string[]).includes(place) ? (place as SafetyPlace) : null,
		phone: text('phone'),
		share: form.get('share') === 'on' || form.get('share') === '1'
	};
	if (!UUID.test(input.key)) errors.key = 'safety.errors.form_expired';
	if (input.thread && !UUID.test(input.thread)) errors.thread = 'safety.errors.warning';
	if (place && !input.place) errors.place = 'safety.errors.place';
	if (input.phone && (input.phone.length > 30 || !MOBILE.test(input.phone))) errors.phone = 'safety.errors.phone';
	if (input.share && !input.phone) errors.share = 'safety.errors.share_needs_phone';
	return { input, errors };
}

const REFUSALS: Refusal<SafetyField>[] = [
	{ sqlstate: '22023', raised: 'phone', key: 'safety.errors.phone', field: 'phone' },
	{ sqlstate: '22023', raised: 'warning', key: 'safety.errors.warning', field: 'thread' },
	{ sqlstate: '22023', raised: 'share', key: 'safety.errors.share_needs_phone', field: 'share' },
	{ sqlstate: '22023', raised: 'place', key: 'safety.errors.place', field: 'place' },
	{ sqlstate: '22023', raised: 'key', key: 'safety.errors.form_expired', field: 'key' }
];

/** Calls public.safety_mark; a refusal comes back as { field, key }. */
async function record(
	tx: Queryable,
	key: string,
	thread: string | null,
	status: SafetyStatus,
	place: SafetyPlace | null,
	phone: string,
	share: boolean
): Promise<{ recorded: boolean } | { field: SafetyField; key: string }> {
	try {
		const [row] = await tx.query<{ recorded: boolean }>('select public.safety_mark($1, $2, $3, $4, $5, $6) as recorded', [
			key, thread, status, place, phone || null, share
		]);
		return { recorded: row!.recorded };
	} catch (error) {
		const refused = domainError(error, REFUSALS);
		return { field: refused.field!, key: refused.key };
	}
}

/** "I am safe" from the web. The same form key twice is one mark. */
export function markSafe(tx: Queryable, input: SafeInput) {
	return record(tx, input.key, input.thread, 'safe', input.place, input.phone, input.share);
}

/**
 * "I need help": a report of the category `rescue` to the township (属地; one hour to
 * dispatch), filed through fileReport, then a mark that points at it (by the same key).
 * The form's fields are the /report form's (town, village, address, lat/lon, name, phone,
 * description); the description defaults to the words of safety.help_default.
 */
export async function askForHelp(
	caller: Caller,
	fields: FormData,
	thread: string | null,
	defaults: { description: string; address: string }
): Promise<FileOutcome> {
	fields.set('category', 'rescue');
	// A call for help is never refused for being short or for lacking a street address: the
	// report rules (five characters, a village, an address or a point) are for hazards.
	// "被困" is enough, and the township is enough for its staff to call back.
	const said = String(fields.get('description') ?? '').trim();
	if (said.length < 5) fields.set('description', said ? `${defaults.description} ${said}` : defaults.description);
	const where = ['village', 'address', 'lat'].some((name) => String(fields.get(name) ?? '').trim());
	if (!where && String(fields.get('town') ?? '').trim()) fields.set('address', defaults.address);
	const outcome = await fileReport(caller, { fields }, 'safety');
	if (outcome.kind === 'filed') {
		const phone = MOBILE.test(outcome.draft.phone) ? outcome.draft.phone : '';
		// The caller passes a thread it found (warningThread), so the mark is not refused.
		await caller.db((tx) => record(tx, outcome.draft.key, thread, 'need_help', null, phone, false));
	}
	return outcome;
}

export type Lookup =
	| { answer: 'safe'; markedAt: Date; place: SafetyPlace | null; channel: 'web' | 'sms' }
	| { answer: 'none' }
	| { answer: 'limited'; retryAfter: number };

/** The server's key for a client address in the lookup limits: never the raw address. */
export const clientKey = (address: string) => createHash('sha256').update(`safety-lookup:${address}`).digest('hex').slice(0, 32);

/** A relative's lookup (limited in the database; the same 'none' whether or not the number is known). */
export async function lookup(tx: Queryable, phone: string, client: string): Promise<Lookup> {
	const [row] = await tx.query<{ answer: string; marked_at: Date | null; place: SafetyPlace | null; channel: 'web' | 'sms' | null; retry_after: number | null }>(
		'select * from public.safety_lookup($1, $2)',
		[phone, client]
	);
	if (row?.answer === 'limited') return { answer: 'limited', retryAfter: row.retry_after ?? 3600 };
	if (row?.answer === 'safe') return { answer: 'safe', markedAt: new Date(row.marked_at!), place: row.place, channel: row.channel! };
	return { answer: 'none' };
}

export type ResidentMark = {
	household_id: string;
	status: SafetyStatus;
	place: SafetyPlace | null;
	created_at: string;
	channel: 'web' | 'sms';
	ticket: string | null;
	report_id: number | null;
};

/**
 * What residents said, beside the roll: per household the latest mark from its phone,
 * made under a warning in force now (or without a warning, in the last three days).
 * RLS decides: the households are the caller's roll, the marks those of its phones.
 */
export async function forRoll(tx: Queryable): Promise<Record<string, ResidentMark>> {
	const rows = await tx.query<ResidentMark>(
		`select distinct on (h.id) h.id as household_id, s.status, s.place, s.created_at, s.channel, r.ticket, r.id::integer as report_id
		   from public.evac_households h
		   join public.safety_marks s on s.phone_key = app.phone_key(h.phone)
		   left join public.reports r on r.id = s.report_id
		  where exists (select 1 from public.warnings w where w.thread_id = s.warning_thread and app.warning_in_force(w))
		     or (s.warning_thread is null and s.created_at > now() - interval '3 days')
		  order by h.id, s.created_at desc, s.id desc`
	);
	return Object.fromEntries(rows.map((r) => [r.household_id, { ...r, created_at: new Date(r.created_at).toISOString() }]));
}

/** The thread of an issued warning, or null: what a page passes on to a mark. */
export async function warningThread(tx: Queryable, raw: string | null): Promise<string | null> {
	if (!raw || !UUID.test(raw)) return null;
	const [row] = await tx.query<{ thread_id: string }>(
		`select thread_id from public.warnings where thread_id = $1 and state <> 'draft' limit 1`,
		[raw.toLowerCase()]
	);
	return row?.thread_id ?? null;
}
