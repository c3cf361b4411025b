/**
 * What a recipient receives, per language: the Web Push payload (shown by the service
 * worker from the payload alone, no network call first) and the SMS text. Built once
 * per warning message and language; only the recipient's id differs per message.
 */
import type { CapMsgType, CapStatus, HazardCode, WarningLevel } from '../../db-types.gen';
import { LANGS, makeT, type Lang, type Messages } from '../../i18n';
import type { PushPayload } from '../../subscriptions/payload';
import { beijingShortTime } from '../../time';
import { infoFor, isDrill } from '../../warnings';
import type { Queryable } from '../db/port';

/** The app's messages per language (the server's `messagesFor`; scripts outside Vite load them from disk). */
export type MessagesFor = (lang: Lang) => Messages;

export type DeliveryWarning = {
	id: string;
	threadId: string;
	msgType: CapMsgType;
	status: CapStatus;
	hazard: HazardCode;
	level: WarningLevel;
	effective: Date;
	expires: Date;
	/** the townships the area touches (app.area_touches), for a summary in any language */
	areaNames: { zh: string; en: string }[];
	/** no message leaves after this moment (issue time + the hazard's TTL) */
	deadline: Date;
	infos: { lang: string; headline: string; instruction: string; areaDesc: string }[];
	/** the area, buffered by ~500 m and simplified so it fits in a push message; null if it does not */
	area: number[][][][] | null;
};

/** Web Push allows 4096 bytes of ciphertext; aes128gcm takes 103 of them (RFC 8291/8188). */
export const PAYLOAD_LIMIT = 3993;
const AREA_BUDGET = 2400;

export async function loadDeliveryWarning(tx: Queryable, warningId: string): Promise<DeliveryWarning | null> {
	const [row] = await tx.query<
		Omit<DeliveryWarning, 'area' | 'infos' | 'areaNames'> & { area: string | null; infos: DeliveryWarning['infos']; areaNames: DeliveryWarning['areaNames'] | null }
	>(
		`select w.id, w.thread_id as "threadId", w.msg_type as "msgType", w.status, w.hazard, w.level, w.effective, w.expires,
		        d.deadline,
		        (select json_agg(json_build_object('zh', t.name_zh, 'en', t.name_en) order by t.code)
		           from public.towns t join public.town_areas a on a.code = t.code
		          where app.area_touches(w.area, a.area)) as "areaNames",
		        (select json_agg(json_build_object('lang', i.lang, 'headline', i.headline, 'instruction', i.instruction, 'areaDesc', i.area_desc))
		           from public.warning_infos i where i.warning_id = w.id) as infos,
		        -- Buffered before simplifying: a device may then show a warning just outside
		        -- its edge, never skip one for a place just inside.
		        (select g from (
		           select extensions.st_asgeojson(extensions.st_simplifypreservetopology(
		                    extensions.st_buffer(w.area::extensions.geography, 500)::extensions.geometry, tol), 3) as g
		             from unnest(array[0.002, 0.01, 0.03]) tol) s
		          where length(g) <= $2 limit 1) as area
		   from public.warnings w join public.deliveries d on d.warning_id = w.id
		  where w.id = $1`,
		[warningId, AREA_BUDGET]
	);
	if (!row) return null;
	const area = row.area ? (JSON.parse(row.area) as { type: string; coordinates: unknown }) : null;
	return {
		...row,
		areaNames: row.areaNames ?? [],
		infos: row.infos ?? [],
		area: area?.type === 'Polygon' ? [area.coordinates as number[][][]] : area?.type === 'MultiPolygon' ? (area.coordinates as number[][][][]) : null
	};
}

export type { PushPayload } from '../../subscriptions/payload';

function clip(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The words of one message in one language. When the warning has no text in that
 * language (a Chinese-only CAP import reaching an English subscriber), a summary is built
 * from its structured fields — hazard, level, the townships it touches, times, link — and
 * the original text follows it.
 */
function texts(w: DeliveryWarning, lang: Lang, messages: MessagesFor, now = new Date()) {
	const t = makeT(lang, messages(lang));
	const info = infoFor(w.infos, lang) ?? w.infos[0];
	const own = !!info && info.lang.split('-')[0] === lang.split('-')[0];
	const prefix = isDrill(w.status) ? `${t(`warnings.drill_prefix_${w.status}`)} ` : '';
	const headline = own ? info.headline : t('delivery.summary_title', { level: t(`levels.${w.level}`), hazard: t(`hazards.${w.hazard}`) });
	const title = w.msgType === 'Cancel' ? `${prefix}${t('delivery.cancelled')} ${headline}` : `${prefix}${headline}`;
	const names = w.areaNames.map((n) => (lang === 'zh-CN' ? n.zh : n.en)).join(lang === 'zh-CN' ? '、' : ', ');
	const summary = own ? null : t('delivery.summary', { areas: names || info?.areaDesc || '—', from: beijingShortTime(w.effective, lang), until: beijingShortTime(w.expires, lang) });
	// delivered at issue; a warning that takes effect later says when, everywhere
	const starts = w.effective > now && w.msgType !== 'Cancel' ? t('warnings.takes_effect', { time: beijingShortTime(w.effective, lang) }) : null;
	return { t, info, own, title, summary, starts };
}

/** The payload templates of one warning message, one per language; `forRecipient` adds the id. */
export function pushPayloads(w: DeliveryWarning, messages: MessagesFor): Record<Lang, (subscriptionId: string) => string> {
	const entries = LANGS.map((lang) => {
		const { t, info, own, title, summary, starts } = texts(w, lang, messages);
		const instruction = own ? (info?.instruction ?? '') : [summary, info ? `${t('delivery.original_text')}${info.instruction}` : ''].filter(Boolean).join('\n');
		const base: Omit<PushPayload, 's'> = {
			v: 1,
			id: w.threadId,
			w: w.id,
			type: w.msgType,
			status: w.status,
			level: w.level,
			hazard: w.hazard,
			lang,
			title: clip(title, 120),
			body: clip([starts, instruction].filter(Boolean).join('\n'), 600),
			url: `/warnings/${w.threadId}?lang=${lang}`,
			expires: w.expires.toISOString(),
			area: w.area
		};
		// The recipient id is spliced into a prepared string: JSON.stringify once per
		// language, not once per recipient. Too big for one push message (Chinese is 3
		// bytes a character): first the area goes (the device then shows the warning
		// without checking its place), then the body is shortened.
		const encode = (payload: Omit<PushPayload, 's'>) => JSON.stringify({ ...payload, s: '00000000-0000-0000-0000-000000000000' });
		let fitted = base;
		if (Buffer.byteLength(encode(fitted)) > PAYLOAD_LIMIT) fitted = { ...fitted, area: null };
		while (Buffer.byteLength(encode(fitted)) > PAYLOAD_LIMIT && fitted.body.length > 1) fitted = { ...fitted, body: clip(fitted.body, Math.floor(fitted.body.length * 0.8)) };
		const json = JSON.stringify({ ...fitted, s: '\u0000' });
		const [head, tail] = json.split('"\\u0000"') as [string, string];
		return [lang, (subscriptionId: string) => `${head}"${subscriptionId}"${tail}`] as const;
	});
	return Object.fromEntries(entries) as Record<Lang, (subscriptionId: string) => string>;
}

/** One SMS where possible: level, hazard, area, the first instruction, a short link. */
export function smsText(w: DeliveryWarning, lang: Lang, origin: string, messages: MessagesFor): string {
	const { t, info, own, title, summary, starts } = texts(w, lang, messages);
	const firstInstruction = (info?.instruction ?? '').split(/(?<=[。！!.；;])\s*/)[0] ?? '';
	const link = `${origin}/w/${w.threadId.slice(0, 8)}`;
	const head = `${t('delivery.sms_sender')}${title}`;
	const parts =
		w.msgType === 'Cancel'
			? [head, link]
			: own
				? [head, starts ?? '', info?.areaDesc ? `${t('delivery.sms_area')}${info.areaDesc}` : '', firstInstruction, link]
				: [head, starts ?? '', summary ?? '', link];
	return parts.filter(Boolean).join(lang === 'en' ? ' ' : '');
}

/**
 * A WeChat subscription message's fields: the platform takes at most 20 characters in a
 * `thing` field and a time as "YYYY-MM-DD HH:mm"; the whole text is on the warning's page.
 */
export function wechatFields(w: DeliveryWarning, lang: Lang, messages: MessagesFor): { title: string; area: string; time: string } {
	const { info, title } = texts(w, lang, messages);
	const names = w.areaNames.map((n) => (lang === 'zh-CN' ? n.zh : n.en)).join(lang === 'zh-CN' ? '、' : ', ');
	const at = new Date(w.effective.getTime() + 8 * 3600_000).toISOString();
	return { title: clip(title, 20), area: clip(names || info?.areaDesc || '—', 20), time: `${at.slice(0, 10)} ${at.slice(11, 16)}` };
}
