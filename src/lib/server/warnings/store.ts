/**
 * The life cycle of a warning, as the caller (RLS and the warnings_guard trigger have
 * the last word): draft, submit (issue, or wait for a second person), approve,
 * withdraw, update (a new message referencing the one in force), cancel.
 */
import { randomBytes } from 'node:crypto';
import type { CapMsgType, WarningLevel } from '../../db-types.gen';
import type { Queryable } from '../db/port';
import { hasHan, englishPlaceNames } from '../../place-name';
import { district } from '../district';
import { domainError, type Refusal } from '../errors';
import { affected, resolveAreas, type Affected, type Resolved } from './area';
import { inputProblems, type FieldErrors, type Info, type WarningInput, type WarningMessage } from './model';

/** CAP `sender` of the warnings issued from this console. */
export const CONSOLE_SENDER = 'safe-miyun-110118';

export type Stored = WarningMessage & {
	inForce: boolean;
	draftedBy: string | null;
	approvedBy: string | null;
	/** content version; an approval names the one it approves */
	revision: number;
	endedAt: Date | null;
	updatedAt: Date;
	/** CAP alert/note: for a Cancel, why the warning was lifted */
	note: string | null;
};

/** `note`: the message's CAP note (a Cancel's reason). */
export type AuditEntry = { action: string; actor_label: string | null; at: Date; warning_id: string; note: string | null };

const SELECT = `
	select w.id, w.thread_id as "threadId", w.identifier, w.sender, w.sent, w.status, w.msg_type as "msgType",
	       w.references_id as "referencesId", w.hazard, w.level, w.urgency, w.certainty, w.response_type as "responseType",
	       w.effective, w.onset, w.expires, w.web, w.contact, w.parameters, w.areas, w.state, w.source,
	       w.drafted_by as "draftedBy", w.approved_by as "approvedBy", w.revision, w.ended_at as "endedAt", w.updated_at as "updatedAt", w.note,
	       app.warning_in_force(w) as "inForce",
	       coalesce((select json_agg(json_build_object('lang', i.lang, 'event', i.event, 'headline', i.headline,
	                  'description', i.description, 'instruction', i.instruction, 'senderName', i.sender_name,
	                  'areaDesc', i.area_desc) order by i.lang <> 'zh-CN', i.lang)
	                 from public.warning_infos i where i.warning_id = w.id), '[]') as infos
	  from public.warnings w`;

export function newIdentifier(now = new Date()): string {
	const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
	return `${CONSOLE_SENDER}-${stamp}-${randomBytes(4).toString('hex')}`;
}

/**
 * How the warnings' guards refuse a step (supabase/migrations/*warning*.sql), as keys the
 * console shows in its language. The specific reasons first, then each SQLSTATE's general one.
 */
export const WARNING_REFUSALS: Refusal[] = [
	{ sqlstate: '42501', raised: 'needs approval by a second issuer or admin', key: 'warnings.err_second_person' },
	{ sqlstate: '42501', raised: 'review it again', key: 'warnings.err_changed_since_review' },
	{ sqlstate: '42501', raised: 'waiting for approval is not edited', key: 'warnings.err_pending_locked' },
	{ sqlstate: '42501', raised: 'an issued warning is not edited', key: 'warnings.err_issued_locked' },
	{ sqlstate: '42501', raised: 'only an organiser of that event', key: 'warnings.err_drill_organiser' },
	{ sqlstate: '42501', key: 'warnings.err_not_allowed' },
	{ sqlstate: '22023', raised: 'info: a warning needs its text', key: 'warnings.err_no_text' },
	{ sqlstate: '22023', raised: 'expires:', key: 'warnings.err_expired' },
	{ sqlstate: '22023', raised: 'references:', key: 'warnings.err_references' },
	{ sqlstate: '23503', key: 'warnings.err_references' },
	{ sqlstate: '23514', raised: 'warnings_console_cancel_note', key: 'warnings.err_cancel_reason' },
	{ sqlstate: '22023', key: 'warnings.err_invalid' },
	{ sqlstate: '23514', key: 'warnings.err_invalid' }
];

export type DraftOptions = {
	msgType?: CapMsgType;
	referencesId?: string | null;
	identifier?: string;
	sender?: string;
	sent?: Date | null;
	source?: 'console' | 'cap';
	/** CAP alert/note (a Cancel's reason) */
	note?: string | null;
};

/** Fills empty area descriptions with the townships touched (approximate areas). */
function describeAreas(infos: Info[], towns: { name_zh: string; name_en: string }[]): Info[] {
	return infos.map((info) => {
		if (info.areaDesc.trim() || !towns.length) return info;
		const zh = info.lang.startsWith('zh');
		return { ...info, areaDesc: towns.map((t) => (zh ? t.name_zh : t.name_en)).join(zh ? '、' : ', ') };
	});
}

/**
 * An English block names places in English: a feed's English areaDesc "溪翁庄镇" showed on
 * English cards (an outside tester's finding). Only text the district has names for changes.
 */
async function inEnglish(tx: Queryable, infos: Info[]): Promise<Info[]> {
	if (!infos.some((i) => i.lang.startsWith('en') && hasHan(i.areaDesc))) return infos;
	const d = await district(tx);
	const places = [...d.towns, ...d.villages];
	return infos.map((i) => (i.lang.startsWith('en') ? { ...i, areaDesc: englishPlaceNames(i.areaDesc, places) } : i));
}

/**
 * Saves a draft (Alert, or an Update/Cancel of the message in force). Field errors
 * (i18n keys) when the input is wrong; nothing is saved then.
 */
export async function saveDraft(
	tx: Queryable,
	input: WarningInput,
	options: DraftOptions = {}
): Promise<{ id: string } | { errors: FieldErrors }> {
	const resolved = await resolveAreas(tx, input.areas);
	if ('errors' in resolved) return resolved;
	const infos = await inEnglish(tx, describeAreas(input.infos, resolved.named));
	const errors = inputProblems({ ...input, infos });
	if (options.referencesId) {
		const [ref] = await tx.query<{ state: string }>('select state from public.warnings where id = $1', [options.referencesId]);
		if (!ref || ref.state !== 'issued') errors.references = 'warnings.err_references';
	}
	if (Object.keys(errors).length) return { errors };
	const [row] = await tx.query<{ id: string }>(
		`insert into public.warnings (identifier, sender, sent, status, msg_type, references_id, hazard, level, urgency, certainty,
		   response_type, effective, onset, expires, web, contact, parameters, areas, area, source, thread_id, note)
		 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
		   extensions.st_setsrid(extensions.st_geomfromgeojson($19), 4326), $20, gen_random_uuid(), $21)
		 returning id`,
		[
			options.identifier ?? newIdentifier(),
			options.sender ?? CONSOLE_SENDER,
			options.sent ?? null,
			input.status,
			options.msgType ?? (options.referencesId ? 'Update' : 'Alert'),
			options.referencesId ?? null,
			input.hazard,
			input.level,
			input.urgency,
			input.certainty,
			input.responseType,
			input.effective,
			input.onset,
			input.expires,
			input.web,
			input.contact,
			JSON.stringify(input.parameters),
			JSON.stringify(input.areas),
			resolved.geojson,
			options.source ?? 'console',
			options.note ?? null
		]
	);
	for (const info of infos) {
		await tx.query(
			`insert into public.warning_infos (warning_id, lang, event, headline, description, instruction, sender_name, area_desc)
			 values ($1, $2, $3, $4, $5, $6, $7, $8)`,
			[row!.id, info.lang, info.event, info.headline, info.description, info.instruction, info.senderName, info.areaDesc]
		);
	}
	return { id: row!.id };
}

/** `message`: an i18n key (see WARNING_REFUSALS). */
export type Outcome = { ok: true; state: string } | { ok: false; message: string };

async function transition(tx: Queryable, sql: string, params: unknown[]): Promise<Outcome> {
	try {
		const [row] = await tx.query<{ state: string }>(sql, params);
		return row ? { ok: true, state: row.state } : { ok: false, message: 'warnings.err_wrong_state' };
	} catch (error) {
		return { ok: false, message: domainError(error, WARNING_REFUSALS).key };
	}
}

/** Draft → issued, or → pending when a second person must approve it. */
export function submit(tx: Queryable, id: string): Promise<Outcome> {
	return transition(
		tx,
		`update public.warnings set state = case when app.warning_needs_approval(status, msg_type, level)
		                                         then 'pending'::public.warning_state else 'issued'::public.warning_state end
		  where id = $1 and state = 'draft' returning state`,
		[id]
	);
}

/**
 * Pending → issued, by someone other than its author, approving the revision they
 * reviewed (the trigger checks both): a warning changed since is not issued.
 */
export async function approve(tx: Queryable, id: string, revision?: number): Promise<Outcome> {
	const [now] = await tx.query<{ revision: number }>('select revision from public.warnings where id = $1', [id]);
	if (now && revision !== undefined && now.revision !== revision) return { ok: false, message: 'warnings.err_changed_since_review' };
	return transition(
		tx,
		`update public.warnings set state = 'issued', approved_by = auth.uid(), approved_revision = $2
		  where id = $1 and state = 'pending' returning state`,
		[id, revision ?? null]
	);
}

/** Pending → draft (to correct it). */
export function withdraw(tx: Queryable, id: string): Promise<Outcome> {
	return transition(tx, `update public.warnings set state = 'draft' where id = $1 and state = 'pending' returning state`, [id]);
}

export async function get(tx: Queryable, id: string): Promise<Stored | null> {
	const [row] = await tx.query<Stored>(`${SELECT} where w.id = $1`, [id]);
	return row ?? null;
}

/** All messages of a warning, oldest first. */
export function thread(tx: Queryable, threadId: string): Promise<Stored[]> {
	return tx.query<Stored>(`${SELECT} where w.thread_id = $1 order by w.created_at, w.sent nulls last`, [threadId]);
}

/** The message that speaks for a warning now: the one in force, else the latest that went out. */
export async function current(tx: Queryable, threadId: string): Promise<Stored | null> {
	const [row] = await tx.query<Stored>(
		`${SELECT} where w.thread_id = $1 and w.state in ('issued', 'superseded', 'cancelled')
		  order by (w.state = 'issued' and w.msg_type <> 'Cancel') desc, w.sent desc nulls last limit 1`,
		[threadId]
	);
	return row ?? null;
}

/** The longest reason for ending a warning (the column's check). */
export const REASON_MAX = 500;

/**
 * Cancels the warning in force in a thread: a Cancel message, issued at once, carrying
 * the reason as its CAP note. The table refuses a Cancel by a person or API key without
 * a reason (warnings_console_cancel_note); background work as the service role needs none.
 */
export async function cancel(tx: Queryable, threadId: string, reason = ''): Promise<Outcome> {
	const note = reason.trim() || null;
	if (note && [...note].length > REASON_MAX) return { ok: false, message: 'warnings.err_cancel_reason_long' };
	const live = await current(tx, threadId);
	if (!live || !live.inForce) return { ok: false, message: 'warnings.err_references' };
	let saved: Awaited<ReturnType<typeof saveDraft>>;
	try {
		saved = await saveDraft(
			tx,
			{ ...live, expires: live.expires > new Date() ? live.expires : new Date(Date.now() + 3600_000), effective: new Date() },
			{ msgType: 'Cancel', referencesId: live.id, note }
		);
	} catch (error) {
		return { ok: false, message: domainError(error, WARNING_REFUSALS).key };
	}
	if ('errors' in saved) return { ok: false, message: Object.values(saved.errors)[0]! };
	return submit(tx, saved.id);
}

export function audit(tx: Queryable, threadId: string): Promise<AuditEntry[]> {
	return tx.query<AuditEntry>(
		`select a.action, a.actor_label, a.at, a.warning_id, w.note
		   from public.warning_audit a left join public.warnings w on w.id = a.warning_id
		  where a.thread_id = $1 order by a.id`,
		[threadId]
	);
}

export type Listed = Stored & { geojson?: string };

const LEVEL_ORDER = `case w.level when 'red' then 4 when 'orange' then 3 when 'yellow' then 2 else 1 end desc`;

/** What the public sees of the warnings: the messages in force, drills and tests included. */
const SHOWN = `app.warning_in_force(w) and w.status in ('Actual', 'Exercise', 'Test')`;

/** Warnings in force that the public sees, most severe first. */
export function active(tx: Queryable): Promise<Stored[]> {
	return tx.query<Stored>(`${SELECT} where ${SHOWN} order by ${LEVEL_ORDER}, w.sent desc`);
}

/** The message of one thread that the public sees now (as in `active`), or null. */
export async function activeInThread(tx: Queryable, threadId: string): Promise<Stored | null> {
	const [row] = await tx.query<Stored>(`${SELECT} where w.thread_id = $1 and ${SHOWN} order by w.sent desc limit 1`, [threadId]);
	return row ?? null;
}

/** The console's overview: the newest message of each warning. */
export function overview(tx: Queryable, limit = 100): Promise<Stored[]> {
	return tx.query<Stored>(
		`${SELECT} where w.id in (select distinct on (x.thread_id) x.id from public.warnings x
		                           order by x.thread_id, x.created_at desc)
		  order by w.updated_at desc limit $1`,
		[limit]
	);
}

/** The resolved area of a message as GeoJSON (simplified for drawing). */
export async function areaGeoJson(tx: Queryable, id: string): Promise<string | null> {
	const [row] = await tx.query<{ geojson: string }>(
		`select extensions.st_asgeojson(extensions.st_simplifypreservetopology(area, 0.0005), 5) as geojson
		   from public.warnings where id = $1`,
		[id]
	);
	return row?.geojson ?? null;
}

/** `districtWide`: picked townships with no area yet, matched across the whole district (the preview says so). */
export async function preview(
	tx: Queryable,
	input: WarningInput
): Promise<{ geojson: string; affected: Affected; districtWide: Resolved['districtWide'] } | { errors: FieldErrors }> {
	const resolved = await resolveAreas(tx, input.areas);
	if ('errors' in resolved) return resolved;
	return { geojson: resolved.geojson, affected: await affected(tx, resolved.geojson), districtWide: resolved.districtWide };
}

/**
 * Whether issuing this warning waits for a second person. The rule is the database's
 * (app.warning_needs_approval, which submit() and the approval trigger apply): read
 * here, never copied, so the console's button says what the database will do.
 */
export async function needsApproval(tx: Queryable, w: { status: string; msgType: string; level: WarningLevel }): Promise<boolean> {
	const [row] = await tx.query<{ needs: boolean }>('select app.warning_needs_approval($1, $2, $3) as needs', [w.status, w.msgType, w.level]);
	return row!.needs;
}

/** Who may approve a waiting warning (app.warning_approvers: the approval guard's rule); none once it is not waiting. */
export async function approvers(tx: Queryable, id: string): Promise<string[]> {
	const rows = await tx.query<{ label: string }>('select label from app.warning_approvers($1)', [id]);
	return rows.map((r) => r.label);
}

/** The district outline, simplified for drawing under an area. */
export async function districtOutline(tx: Queryable): Promise<string | null> {
	const [row] = await tx.query<{ geojson: string }>(
		'select extensions.st_asgeojson(extensions.st_simplifypreservetopology(outline, 0.002), 4) as geojson from public.district limit 1'
	);
	return row?.geojson ?? null;
}
