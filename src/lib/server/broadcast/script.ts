/**
 * The script a village loudspeaker (大喇叭) operator reads aloud for a warning.
 * Pure: text in, text out. Read aloud, a URL or a bracket is noise and "120mm" is
 * ambiguous, so the warning's Chinese text is rewritten: links and brackets go,
 * numbers, times and units become words, and the message is said twice with the time.
 * The words themselves live in words.json (no Chinese in .ts files, docs/decisions.md).
 */
import { makeT } from '../../i18n';
import { infoFor, warningTitle, type InfoText } from '../../warnings';
import { messagesFor } from '../i18n';
import words from './words.json';

/** Beijing time all year (China has no daylight saving), so a fixed offset is exact. */
const BEIJING_OFFSET_MS = 8 * 3600_000;

const fill = (template: string, values: Record<string, string>) => template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '');

/** One group of up to four digits (0–9999), with 零 for inner gaps: 1005 → 一千零五. */
function group(n: number): string {
	let out = '';
	let gap = false;
	for (let i = 3; i >= 0; i--) {
		const d = Math.floor(n / 10 ** i) % 10;
		if (d === 0) {
			if (out) gap = true;
			continue;
		}
		if (gap) out += words.digits[0];
		gap = false;
		out += words.digits[d]! + words.smallUnits[i]!;
	}
	return out;
}

/** A whole number as spoken: 120 → 一百二十, 10 → 十, 30005 → 三万零五. Past 亿 it reads digit by digit. */
export function integerWords(n: number): string {
	if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a whole number: ${n}`);
	if (n === 0) return words.digits[0]!;
	if (n >= 1e12) return digitWords(String(n));
	const groups: number[] = [];
	for (let rest = n; rest > 0; rest = Math.floor(rest / 10000)) groups.push(rest % 10000);
	let out = '';
	let gap = false;
	for (let i = groups.length - 1; i >= 0; i--) {
		const g = groups[i]!;
		if (g === 0) {
			gap = out !== '';
			continue;
		}
		if (out && (gap || g < 1000)) out += words.digits[0];
		gap = false;
		out += group(g) + words.bigUnits[i]!;
	}
	// 十二, not 一十二 (only at the very start: 一百一十 keeps its 一)
	const oneTen = words.digits[1]! + words.smallUnits[1]!;
	return out.startsWith(oneTen) ? out.slice(words.digits[1]!.length) : out;
}

/** Digit by digit, as numbers people dial or years are read: 12345 → 幺二三四五 (phone) / 2026 → 二零二六. */
export function digitWords(digits: string, phone = false): string {
	const table = phone ? words.phoneDigits : words.digits;
	return [...digits].map((d) => table[Number(d)] ?? '').join('');
}

/** "120.5" → 一百二十点五; a leading minus becomes 负. */
export function numberWords(text: string): string {
	const m = text.match(/^(-?)(\d+)(?:\.(\d+))?$/);
	if (!m) throw new RangeError(`not a number: ${text}`);
	const whole = m[2]!.length > 12 ? digitWords(m[2]!) : integerWords(Number(m[2]));
	return (m[1] ? words.minus : '') + whole + (m[3] ? words.point + digitWords(m[3]) : '');
}

/** A clock time with its part of the day: 15:20 → 下午三点二十分, 8:00 → 上午八点整. */
export function clockWords(hour: number, minute: number): string {
	const part = words.dayParts.find((p) => hour < p.until)!.word;
	// 0:30 is 凌晨零点三十分; noon stays 中午十二点
	const h12 = hour === 0 ? 0 : hour % 12 === 0 ? 12 : hour % 12;
	const m = minute === 0 ? words.hourExact : integerWords(minute) + words.minute;
	return part + integerWords(h12) + words.hour + m;
}

/** A moment in Beijing time: 十二月四日下午三点二十分. */
export function momentWords(at: Date): string {
	const b = new Date(at.getTime() + BEIJING_OFFSET_MS);
	return integerWords(b.getUTCMonth() + 1) + words.month + integerWords(b.getUTCDate()) + words.day + clockWords(b.getUTCHours(), b.getUTCMinutes());
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const UNITS = words.units.map(([sym]) => escape(sym!) + (/[a-z]$/i.test(sym!) ? '(?![a-z])' : '')).join('|');
const NUMBER = new RegExp(`(\\d+(?:\\.\\d+)?)(?:\\s*(${UNITS}))?`, 'gi');
const unitWord = (sym: string) => words.units.find(([s]) => s!.toLowerCase() === sym.toLowerCase())?.[1] ?? '';
const URL_CORE = String.raw`(?:https?:\/\/|www\.)[^\s，。；、）)】\]>》]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:cn|com|net|org|gov)(?:\/[^\s，。；、）)】\]>》]*)?`;
const URL = new RegExp(`(?:(?:${words.urlLeads.map(escape).join('|')})\\s*[:：]?\\s*)?(?:${URL_CORE})`, 'gi');
const DROP = new RegExp(`[${escape(words.dropSymbols)}]`, 'g');
/** Numbers people dial; read digit by digit when they are not a quantity (拨打120, not 120毫米). */
const DIAL = /^(?:110|119|120|122|12345|12379|12395)$/;
const QUANTITY_AFTER = new RegExp(words.quantityAfter);
const YEAR = new RegExp(`(\\d{4})\\s*${words.year}`, 'g');
const WRITTEN_TIME = new RegExp(`(\\d{1,2})${words.writtenHour}(?:(\\d{1,2})${words.minute})?`, 'g');

/** The Chinese text of a warning made fit to be read aloud (see the module comment). */
export function speakable(raw: string): string {
	let text = raw
		.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
		.replace(URL, '')
		.replace(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi, '')
		.replace(/[（(【[〔［<＜{]/g, words.comma)
		.replace(/[）)】\]〕］>＞}]/g, words.comma)
		.replace(/[《》「」『』"“”]/g, '')
		// list numbering ("1.停止作业；2.转移") is for the eye: drop it
		.replace(/(^|[；;。.:：，,\s])\d{1,2}\s*[.、．)）]\s*(?=\D)/g, '$1')
		.replace(/(?<!\d)(0\d{2,3})\s*[-－]\s*(\d{5,8})(?!\d)/g, (_, area: string, line: string) => digitWords(area + line, true))
		.replace(YEAR, (_, y: string) => digitWords(y) + words.year)
		.replace(/(\d{1,2})\s*[:：]\s*(\d{2})(?!\d)/g, (_, h: string, m: string) => clockWords(Number(h) % 24, Number(m)))
		.replace(WRITTEN_TIME, (_, h: string, m?: string) => clockWords(Number(h) % 24, Number(m ?? 0)))
		.replace(/(\d+(?:\.\d+)?)\s*[%％]/g, (_, n: string) => words.percent + numberWords(n))
		.replace(/(\d)\s*[-~～—–]+\s*(?=\d)/g, `$1${words.to}`);
	// what is left: plain numbers, each possibly followed by a unit symbol
	text = text.replace(NUMBER, (match: string, n: string, unit: string | undefined, at: number, all: string) => {
		if (unit) return numberWords(n) + unitWord(unit);
		if (DIAL.test(n) && !QUANTITY_AFTER.test(all.slice(at + match.length))) return digitWords(n, true);
		if (/^0\d/.test(n) || (n.length >= 7 && !n.includes('.'))) return digitWords(n, true);
		return numberWords(n);
	});
	return tidy(text.replace(DROP, ''));
}

/** Collapses the punctuation the rewriting leaves behind, and ends on a full stop. */
function tidy(text: string): string {
	const pause = words.comma;
	const stop = words.stop;
	let t = text
		.replace(/\s*[\r\n]+\s*/g, pause)
		.replace(/[ \t\u3000]+/g, ' ')
		.replace(/,/g, pause)
		.replace(/[;；]/g, pause)
		.replace(/[.!?！？]/g, stop)
		.replace(/([:：])\s*/g, '$1');
	t = t.replace(new RegExp(`\\s*([${pause}、：:])[\\s${pause}、]*`, 'g'), '$1');
	t = t.replace(new RegExp(`[\\s${pause}、：:]*${stop}[\\s${pause}、${stop}：:]*`, 'g'), stop);
	t = t.replace(new RegExp(`^[\\s${pause}${stop}、：:]+`), '').trim();
	t = t.replace(new RegExp(`[\\s${pause}、：:]+$`), '');
	return t && !t.endsWith(stop) ? t + stop : t;
}

export type ScriptWarning = { sent: Date | null; effective: Date; expires: Date; infos: InfoText[]; status?: string };

/**
 * The whole script: a call for attention, then the message (who issued what, when;
 * what happens; what to do; until when) said twice.
 */
export function broadcastScript(w: ScriptWarning): string {
	const info = infoFor(w.infos, 'zh-CN');
	if (!info) return '';
	const time = momentWords(w.sent ?? w.effective);
	const sender = speakable(info.senderName).replace(new RegExp(`${words.stop}$`), '');
	const headline = speakable(warningTitle(makeT('zh-CN', messagesFor('zh-CN')), w.status ?? 'Actual', info.headline)).replace(new RegExp(`${words.stop}$`), '');
	const message = [
		fill(sender ? words.issued : words.issuedNoSender, { sender, time, headline }),
		speakable(info.description),
		speakable(info.instruction),
		fill(words.until, { time: momentWords(w.expires) })
	]
		.filter(Boolean)
		.join('');
	return words.attention + message + words.repeat + message + words.end;
}
