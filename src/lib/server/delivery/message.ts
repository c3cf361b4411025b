/**
 * What a recipient receives, per language: the Web Push payload (shown by the service
 * worker from the payload alone, no network call first) and the SMS text. Built once
 * per warning message and language; only the recipient's id differs per message.
 */
import type { CapMsgType, CapStatus, HazardCode, WarningLevel } from '../../db-types.gen';
import { LANGS, makeT, type Lang, type Messages } from '../../i18n';
import type { PushPayload } from '../../alerts/payload';
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
	expires: Date;
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
	const [row] = await tx.query<Omit<DeliveryWarning, 'area' | 'infos'> & { area: string | null; infos: DeliveryWarning['infos'] }>(
		`select w.id, w.thread_id as "threadId", w.msg_type as "msgType", w.status, w.hazard, w.level, w.expires,
		        d.deadline,
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
		infos: row.infos ?? [],
		area: area?.type === 'Polygon' ? [area.coordinates as number[][][]] : area?.type === 'MultiPolygon' ? (area.coordinates as number[][][][]) : null
	};
}

export type { PushPayload } from '../../alerts/payload';

function clip(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function texts(w: DeliveryWarning, lang: Lang, messages: MessagesFor) {
	const t = makeT(lang, messages(lang));
	const info = infoFor(w.infos, lang) ?? w.infos[0];
	const prefix = isDrill(w.status) ? `${t(`warnings.drill_prefix_${w.status}`)} ` : '';
	const headline = info?.headline ?? `${t(`levels.${w.level}`)} · ${t(`hazards.${w.hazard}`)}`;
	const title = w.msgType === 'Cancel' ? `${prefix}${t('delivery.cancelled')} ${headline}` : `${prefix}${headline}`;
	return { t, info, title };
}

/** The payload templates of one warning message, one per language; `forRecipient` adds the id. */
export function pushPayloads(w: DeliveryWarning, messages: MessagesFor): Record<Lang, (subscriptionId: string) => string> {
	const entries = LANGS.map((lang) => {
		const { info, title } = texts(w, lang, messages);
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
			body: clip(info?.instruction ?? '', 600),
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
	const { t, info, title } = texts(w, lang, messages);
	const firstInstruction = (info?.instruction ?? '').split(/(?<=[。！!.；;])\s*/)[0] ?? '';
	const link = `${origin}/w/${w.threadId.slice(0, 8)}`;
	const head = `${t('delivery.sms_sender')}${title}`;
	const parts = w.msgType === 'Cancel' ? [head, link] : [head, info?.areaDesc ? `${t('delivery.sms_area')}${info.areaDesc}` : '', firstInstruction, link];
	return parts.filter(Boolean).join(lang === 'en' ? ' ' : '');
}
