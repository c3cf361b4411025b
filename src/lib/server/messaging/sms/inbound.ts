/**
 * Replies to warning texts (issue 17): the SMS gateway posts each text a resident sends
 * back, and a keyword does what the warning page's buttons do — "平安" / "SAFE" marks
 * the sender safe ("平安公开" / "SAFE SHARE": and lets a relative who knows the number
 * see it), "求助" / "HELP" calls for help. The sender's number is the carrier's, so the
 * mark says "by SMS". Which warning it answers and where the person is come from the
 * evacuation roll (the number's household and the warning covering its village), else
 * the most severe warning in force; a call for help from a number on no roll is marked
 * and answered with the emergency numbers, but no report can be routed without a place.
 * The gateway authenticates with a token of its own (SMS_INBOUND_TOKEN); nothing here
 * reads the outgoing texts' tables.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Lang } from '../../../i18n';
import { asService } from '../../db/caller';
import type { Database, Queryable } from '../../db/port';
import { translatorFor } from '../../i18n';
import { draftFields, fileReport } from '../../reports/file';
import { freshIds } from '../../reports/submit';
import keywords from './keywords.json';

/** Whether the token the gateway sent is the configured one; constant time (hashes of equal length). */
export function tokenMatches(given: string | null, expected: string): boolean {
	if (!given) return false;
	const a = createHash('sha256').update(given).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

export type Keyword = { status: 'safe' | 'need_help'; share: boolean; lang: Lang };

/** The keyword of a reply, or null. Full-width letters, case, spaces and punctuation do not matter. */
export function keywordOf(text: string): Keyword | null {
	const plain = text.normalize('NFKC').toUpperCase().replace(/[\s\p{P}\p{S}]+/gu, ' ').trim();
	const squeezed = plain.replace(/ /g, '');
	const is = (list: string[]) => list.some((k) => k.replace(/ /g, '') === squeezed);
	const lang: Lang = /[\u4e00-\u9fff]/.test(plain) ? 'zh-CN' : 'en';
	if (is(keywords.safe_share)) return { status: 'safe', share: true, lang };
	if (is(keywords.safe)) return { status: 'safe', share: false, lang };
	if (is(keywords.help)) return { status: 'need_help', share: false, lang };
	return null;
}

export type InboundText = { from: string; text: string; id: string | null };
export type InboundResult = {
	action: 'safe' | 'need_help' | 'ignored' | 'duplicate';
	/** The text to send back to the resident (the gateway's adapter sends it). */
	reply: string | null;
	ticket?: string;
};

/** Reads the gateway's post: {from, text, id?}; names the first wrong field. */
export function parseInbound(body: unknown): { text: InboundText } | { error: string } {
	const b = (body ?? {}) as Record<string, unknown>;
	if (typeof b.from !== 'string' || !/^[0-9+() -]{5,30}$/.test(b.from)) return { error: 'from: the sender\'s phone number' };
	if (typeof b.text !== 'string' || b.text.length > 1000) return { error: 'text: the message, up to 1000 characters' };
	if (b.id !== undefined && b.id !== null && (typeof b.id !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(b.id))) {
		return { error: 'id: the gateway\'s message id, 1 to 128 printable ASCII characters' };
	}
	return { text: { from: b.from, text: b.text, id: (b.id as string | undefined) ?? null } };
}

/** The gateway's message id as the mark's idempotency key: a reply posted twice is one mark. */
function keyOf(id: string | null): string {
	if (!id) return crypto.randomUUID();
	const h = createHash('sha256').update(`sms-inbound:${id}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Place = { phone: string | null; household: string | null; town_code: string | null; village_code: string | null; address: string | null; thread: string | null };

/** The number on a roll (its household and the warning covering it), else the most severe warning in force. */
function placeOf(tx: Queryable, from: string): Promise<Place[]> {
	return tx.query<Place>(
		`with k as (select app.phone_key($1) as phone)
		 select k.phone, h.id as household, h.town_code, h.village_code, h.address,
		        coalesce(e.warning_thread, (select w.thread_id from public.warnings w
		                                      where app.warning_in_force(w) and w.status = 'Actual'
		                                      order by w.level desc, w.sent desc nulls last limit 1)) as thread
		   from k
		   left join public.evac_households h on app.phone_key(h.phone) = k.phone
		   left join lateral (select e.warning_thread from public.evacuation_now() e where e.household_id = h.id limit 1) e on true
		  order by e.warning_thread is null, h.updated_at desc nulls last
		  limit 1`,
		[from]
	);
}

async function insertMark(tx: Queryable, key: string, thread: string | null, status: Keyword['status'], phone: string, share: boolean, report: string | null) {
	const rows = await tx.query(
		`insert into public.safety_marks (idempotency_key, warning_thread, status, phone_key, share, channel, report_id)
		 values ($1, $2, $3, $4, $5, 'sms', (select id from public.reports where ticket = $6))
		 on conflict (idempotency_key) do nothing returning id`,
		[key, thread, status, phone, share, report]
	);
	if (rows.length) await tx.query(`select pg_notify('evacuation', '{"safety":true}')`);
	return rows.length > 0;
}

/**
 * One reply from the gateway. Runs as the service: the gateway is an operator's machine
 * authenticated by its token, and the number it names is the carrier's.
 * `limit` says when this number may file another call for help (the report limits).
 */
export async function handleReply(db: Database, text: InboundText, limit: (phone: string) => Date | null): Promise<InboundResult> {
	const keyword = keywordOf(text.text);
	if (!keyword) return { action: 'ignored', reply: null };
	const t = translatorFor(keyword.lang);
	const key = keyOf(text.id);
	const [place] = await asService(db, (tx) => placeOf(tx, text.from));
	if (!place?.phone) return { action: 'ignored', reply: null };
	const phone = place.phone;

	if (keyword.status === 'safe') {
		const fresh = await asService(db, (tx) => insertMark(tx, key, place.thread, 'safe', phone, keyword.share, null));
		return { action: fresh ? 'safe' : 'duplicate', reply: t(keyword.share ? 'safety.sms.safe_shared' : 'safety.sms.safe') };
	}

	let ticket: string | undefined;
	if (place.town_code) {
		const seen = await asService(db, (tx) => tx.query('select 1 from public.safety_marks where idempotency_key = $1', [key]));
		if (seen.length) return { action: 'duplicate', reply: t('safety.sms.help_filed', { ticket: '' }).trim() };
		const ids = freshIds();
		const fields = draftFields({
			key, token: ids.token, category: 'rescue', description: t('safety.sms.help_description', { text: text.text.slice(0, 300) }),
			town: place.town_code, village: place.village_code, address: place.address, phone
		});
		const outcome = await fileReport({ db: (work) => asService(db, work), limit: () => limit(phone) }, { fields }, 'safety');
		if (outcome.kind === 'filed') ticket = outcome.filed.ticket;
	}
	const fresh = await asService(db, (tx) => insertMark(tx, key, place.thread, 'need_help', phone, false, ticket ?? null));
	return {
		action: fresh ? 'need_help' : 'duplicate',
		reply: ticket ? t('safety.sms.help_filed', { ticket }) : t('safety.sms.help_no_place'),
		...(ticket ? { ticket } : {})
	};
}
