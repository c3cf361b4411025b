/**
 * The WeChat Official Account message protocol (plaintext mode): the platform signs
 * each request with sha1 of the sorted [token, timestamp, nonce]; messages arrive as
 * XML and are answered with a passive reply in the same response, within 5 seconds.
 * The platform retries a message it got no answer for; each MsgId is answered once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import gcoord from 'gcoord';
import { XMLParser } from 'fast-xml-parser';
import type { Answer } from './types';

/** A request older than this is refused, so a captured request cannot be replayed later. */
export const MAX_AGE_SECONDS = 300;
/** Answer within the platform's 5 s window, with room for the network. */
export const REPLY_WITHIN_MS = 4_000;
/** The platform's limit for a text reply. */
const MAX_TEXT_BYTES = 2_000;

export function signature(token: string, timestamp: string, nonce: string): string {
	return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

export type Signed = { signature: string | null; timestamp: string | null; nonce: string | null };

export function verify(token: string, q: Signed, now = Date.now()): boolean {
	if (!q.signature || !q.timestamp || !q.nonce || !/^\d{1,12}$/.test(q.timestamp) || q.nonce.length > 64) return false;
	if (Math.abs(now / 1000 - Number(q.timestamp)) > MAX_AGE_SECONDS) return false;
	const expected = Buffer.from(signature(token, q.timestamp, q.nonce));
	const given = Buffer.from(q.signature.toLowerCase());
	return expected.length === given.length && timingSafeEqual(expected, given);
}

export type Incoming = {
	to: string;
	from: string;
	type: string;
	/** MsgId for messages; FromUserName + CreateTime for events (the platform's advice) */
	id: string;
	text: string;
	/** WGS84, converted from the GCJ-02 that WeChat sends */
	lat: number | null;
	lon: number | null;
	event: string | null;
};

const parser = new XMLParser({ parseTagValue: false, processEntities: true, ignoreDeclaration: true, trimValues: true });

/** Parses a message; null when it is not one (the caller answers 400). */
export function parseMessage(xml: string): Incoming | null {
	// As for CAP: no DTD, so no external entity or entity expansion is ever processed.
	if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return null;
	let doc: { xml?: Record<string, unknown> };
	try {
		doc = parser.parse(xml) as typeof doc;
	} catch {
		return null;
	}
	const m = doc.xml;
	if (!m || typeof m !== 'object') return null;
	const s = (k: string) => (typeof m[k] === 'string' ? (m[k] as string) : '');
	const to = s('ToUserName');
	const from = s('FromUserName');
	const type = s('MsgType');
	if (!to || !from || !type || from.length > 64 || to.length > 64) return null;
	const id = s('MsgId') || `${from}:${s('CreateTime')}`;
	let lat: number | null = null;
	let lon: number | null = null;
	if (type === 'location') {
		const x = Number(s('Location_X'));
		const y = Number(s('Location_Y'));
		if (Number.isFinite(x) && Number.isFinite(y)) [lon, lat] = gcoord.transform([y, x], gcoord.GCJ02, gcoord.WGS84) as [number, number];
	}
	return { to, from, type, id: id.slice(0, 80), text: type === 'text' ? s('Content').slice(0, 500) : '', lat, lon, event: type === 'event' ? s('Event') : null };
}

function cdata(value: string): string {
	return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function truncate(text: string, bytes: number): string {
	const enc = new TextEncoder();
	if (enc.encode(text).length <= bytes) return text;
	let out = '';
	for (const ch of text) {
		if (enc.encode(out + ch + '…').length > bytes) break;
		out += ch;
	}
	return `${out}…`;
}

function envelope(to: string, from: string, body: string, now: number): string {
	return `<xml><ToUserName>${cdata(to)}</ToUserName><FromUserName>${cdata(from)}</FromUserName><CreateTime>${Math.floor(now / 1000)}</CreateTime>${body}</xml>`;
}

/**
 * The passive reply to a message: a news card when the answer is mainly one page (a guide,
 * a scenic area, a filed report), else text with the links written out.
 */
export function replyXml(incoming: Incoming, answer: Answer, origin: string, now = Date.now()): string {
	const pages = answer.links.filter((l) => l.href.startsWith('/'));
	const absolute = (href: string) => new URL(href, origin).toString();
	if ((answer.intent === 'guide' || answer.intent === 'scenic' || answer.ticket) && pages.length === 1) {
		const [title = '', ...rest] = answer.reply.split('\n');
		const item = `<item><Title>${cdata(truncate(answer.ticket ? pages[0]!.title : title, 120))}</Title><Description>${cdata(truncate(rest.join('\n') || answer.reply, 500))}</Description><Url>${cdata(absolute(pages[0]!.href))}</Url></item>`;
		return envelope(incoming.from, incoming.to, `<MsgType>${cdata('news')}</MsgType><ArticleCount>1</ArticleCount><Articles>${item}</Articles>`, now);
	}
	const lines = [answer.reply, ...(answer.choices?.length ? [answer.choices.join(' / ')] : []), ...pages.map((l) => `${l.title}: ${absolute(l.href)}`)];
	return envelope(incoming.from, incoming.to, `<MsgType>${cdata('text')}</MsgType><Content>${cdata(truncate(lines.join('\n'), MAX_TEXT_BYTES))}</Content>`, now);
}

/** Resolves to null when `work` takes longer than the reply window. */
export async function within<T>(ms: number, work: Promise<T>): Promise<T | null> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
	try {
		return await Promise.race([work, late]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * The signature covers only (token, timestamp, nonce), not the message: a signed URL
 * seen once could be posted again within MAX_AGE_SECONDS with another body — another
 * sender. So each (timestamp, nonce) is remembered for that window with the message it
 * came with: the platform's own retry of the same message passes, anything else is a
 * replay. Per process, in memory, like the rate limits (see docs/decisions.md).
 */
export class NonceMemory {
	#seen = new Map<string, { message: string; at: number }>();

	constructor(readonly windowMs = MAX_AGE_SECONDS * 1000) {}

	/** True for a new nonce, or the same message again under its nonce; false for a replay with another message. */
	accept(q: Signed, message: string, now = Date.now()): boolean {
		// Entries are in insertion order: drop the expired ones from the front.
		for (const [key, entry] of this.#seen) {
			if (entry.at > now - this.windowMs) break;
			this.#seen.delete(key);
		}
		const key = `${q.timestamp}:${q.nonce}`;
		const before = this.#seen.get(key);
		if (before) return before.message === message;
		this.#seen.set(key, { message, at: now });
		return true;
	}

	get size(): number {
		return this.#seen.size;
	}
}
