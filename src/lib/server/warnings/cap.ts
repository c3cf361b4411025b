/**
 * CAP 1.2 XML in and out (OASIS CAP 1.2; the schema is tests/cap/CAP-v1.2.xsd).
 * Parsing is strict: a document with a DOCTYPE or ENTITY declaration is refused before
 * any parser sees it, so no DTD, external entity or entity expansion is ever processed.
 * Every problem is a CapError naming the element (`alert/info[1]/severity`).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import zhHazards from '../../i18n/locales/zh-CN/hazards.json';
import enHazards from '../../i18n/locales/en/hazards.json';
import vocabulary from './cap-vocabulary.json';
import { DRILL_PARAMETER } from '../messaging/queue';
import { CAP_SEVERITY, HAZARDS, isHazardCode, type HazardCode, type WarningLevel } from '../../hazards';
import type { CapMsgType, CapStatus } from '../../db-types.gen';
import { escapeXml as esc } from '../xml-text';
import {
	areaProblem,
	capTime,
	CERTAINTIES,
	formatCircle,
	formatPolygon,
	parseCapCircle,
	parseCapPolygon,
	RESPONSE_TYPES,
	URGENCIES,
	type AreaSpec,
	type Info,
	type Parameter,
	type WarningInput
} from './model';

export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';
/** valueName of township/village statistical codes in <geocode>. */
export const GEOCODE_NAME = 'CN-NBS';
const GEOCODE_NAMES = new Set(vocabulary.geocodeNames);
const MAX_BYTES = 256 * 1024;

export class CapError extends Error {
	constructor(
		readonly element: string,
		readonly problem: string
	) {
		super(`${element}: ${problem}`);
		this.name = 'CapError';
	}
}

export type CapReference = { sender: string; identifier: string; sent: string };

export type CapAlert = {
	identifier: string;
	sender: string;
	sent: Date;
	status: CapStatus;
	msgType: CapMsgType;
	references: CapReference[];
	/** alert/note (a Cancel's reason), at most 500 characters kept */
	note?: string | null;
	warning: WarningInput;
};

type Node = Record<string, unknown>;
const ARRAYS = new Set(['info', 'area', 'polygon', 'circle', 'geocode', 'parameter', 'eventCode', 'category', 'responseType', 'resource', 'code']);
const TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([-+])(\d\d):(\d\d)$/;
// Characters XML 1.0 does not allow (a NUL would also be refused by the database).
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// A language tag as the database stores it (warning_infos.lang).
const LANGUAGE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,2}$/;

const parser = new XMLParser({
	ignoreAttributes: true,
	removeNSPrefix: true,
	parseTagValue: false,
	trimValues: true,
	htmlEntities: false,
	isArray: (name) => ARRAYS.has(name)
});

function text(node: Node, name: string, path: string, required: true): string;
function text(node: Node, name: string, path: string, required?: false): string | null;
function text(node: Node, name: string, path: string, required = false): string | null {
	const value = node[name];
	if (value === undefined || value === '') {
		if (required) throw new CapError(`${path}/${name}`, 'is required');
		return null;
	}
	if (typeof value !== 'string') throw new CapError(`${path}/${name}`, 'must be text');
	if (NOT_XML.test(value)) throw new CapError(`${path}/${name}`, 'contains a character XML does not allow');
	return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], element: string): T {
	if (!(allowed as readonly string[]).includes(value)) throw new CapError(element, `"${value}" is not one of ${allowed.join(', ')}`);
	return value as T;
}

/** A CAP date-time (xs:dateTime with a zone offset): every field in range, no day 30 of February. */
function time(value: string, element: string): Date {
	const m = value.match(TIME);
	if (!m) throw new CapError(element, `"${value}" is not a CAP date-time like 2026-07-21T14:00:00+08:00`);
	const [year, month, day, hour, minute, second, , offH, offM] = m.slice(1).map(Number) as number[];
	const daysInMonth = new Date(Date.UTC(2000, month!, 0)).getUTCDate() - (month === 2 && !leap(year!) ? 1 : 0);
	const midnight = hour === 24 && minute === 0 && second === 0;
	if (year! < 1 || month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth || (hour! > 23 && !midnight) || minute! > 59 || second! > 59 || offH! > 14 || offM! > 59) {
		throw new CapError(element, `"${value}" is not a valid date-time`);
	}
	const date = new Date(value);
	if (Number.isNaN(date.getTime())) throw new CapError(element, `"${value}" is not a valid date-time`);
	// Year 0001 at +14:00 is year 0 in UTC, and 9999-12-31T24:00 is year 10000: legal CAP,
	// outside what the database stores. Both mean "long ago" and "never" all the same.
	return new Date(Math.min(Math.max(date.getTime(), EARLIEST), LATEST));
}

const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59);

function leap(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function pairs(node: Node, name: string, path: string): Parameter[] {
	return ((node[name] as Node[] | undefined) ?? []).map((p, i) => {
		const at = `${path}/${name}[${i + 1}]`;
		if (typeof p !== 'object' || p === null) throw new CapError(at, 'needs valueName and value');
		return { valueName: text(p, 'valueName', at, true), value: text(p, 'value', at) ?? '' };
	});
}

// Event names in common use, in both languages, for each hazard code (the extra words: cap-vocabulary.json).
const EVENT_ALIASES: [string, HazardCode][] = [
	...HAZARDS.flatMap(({ code }) => [
		...String((zhHazards.hazards as Record<string, string>)[code]).split('/'),
		String((enHazards.hazards as Record<string, string>)[code])
	].map((name) => [name.toLowerCase(), code] as [string, HazardCode])),
	...(vocabulary.eventAliases as [string, HazardCode][])
];

const NOISE = new RegExp(`(${vocabulary.eventNoise.join('|')})`, 'g');

/** The hazard an event name speaks of ("暴雨", "Rainstorm", "暴雨红色预警", "Flash Flood Warning"). */
export function hazardFromEvent(event: string): HazardCode | null {
	const name = event
		.toLowerCase()
		.replace(NOISE, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	const exact = EVENT_ALIASES.find(([alias]) => alias === name);
	if (exact) return exact[1];
	const contained = EVENT_ALIASES.filter(([alias]) => alias.length > 1 && name.includes(alias)).sort((a, b) => b[0].length - a[0].length);
	return contained[0]?.[1] ?? null;
}

const LEVEL_WORDS = vocabulary.levelWords as Record<string, WarningLevel>;
const FROM_SEVERITY: Record<string, WarningLevel> = { Extreme: 'red', Severe: 'orange', Moderate: 'yellow', Minor: 'blue' };
const LEVEL_PARAMS = new Set(vocabulary.levelParameters);

function normaliseLang(lang: string | null): string {
	if (!lang) return 'en-US';
	if (/^zh(-(cn|hans|hans-cn))?$/i.test(lang)) return 'zh-CN';
	if (/^en(-[a-z]{2})?$/i.test(lang)) return 'en';
	return lang;
}

const AREA_PROBLEMS: Record<string, string> = {
	'warnings.err_polygon_points': 'a polygon needs 4 to 500 points',
	'warnings.err_polygon_open': 'the polygon is not closed (its last point must equal its first)',
	'warnings.err_coordinates': 'coordinates out of range',
	'warnings.err_radius': 'the radius must be more than 0 and at most 100 km',
	'warnings.err_geocode_format': 'not a 9-digit township or 12-digit village code of Miyun (110118…)'
};

function checked(spec: AreaSpec, element: string): AreaSpec {
	const problem = areaProblem(spec);
	if (problem) throw new CapError(element, AREA_PROBLEMS[problem] ?? problem);
	return spec;
}

function parseArea(node: Node, at: string): { desc: string; specs: AreaSpec[] } {
	const desc = text(node, 'areaDesc', at, true);
	const specs: AreaSpec[] = [];
	((node.polygon as unknown[]) ?? []).forEach((p, i) => {
		const points = typeof p === 'string' ? parseCapPolygon(p) : null;
		if (!points) throw new CapError(`${at}/polygon[${i + 1}]`, 'must be "lat,lon lat,lon …"');
		specs.push(checked({ kind: 'polygon', points }, `${at}/polygon[${i + 1}]`));
	});
	((node.circle as unknown[]) ?? []).forEach((c, i) => {
		const circle = typeof c === 'string' ? parseCapCircle(c) : null;
		if (!circle) throw new CapError(`${at}/circle[${i + 1}]`, 'must be "lat,lon radius-in-km"');
		specs.push(checked({ kind: 'circle', ...circle }, `${at}/circle[${i + 1}]`));
	});
	pairs(node, 'geocode', at).forEach((g, i) => {
		if (!GEOCODE_NAMES.has(g.valueName.toLowerCase())) {
			throw new CapError(`${at}/geocode[${i + 1}]/valueName`, `"${g.valueName}" is not a known code list (use ${GEOCODE_NAME})`);
		}
		specs.push(checked({ kind: 'geocode', code: g.value }, `${at}/geocode[${i + 1}]/value`));
	});
	return { desc, specs };
}

// CAP's deepest element is alert/info/area/geocode/value; past this the document is no CAP
// (and the parser's own limit would otherwise throw a plain error: a 500).
const MAX_DEPTH = 12;
const PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const isXmlChar = (c: number) => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/** The element open at `index` of `xml`, for naming where a fault is. */
function elementAt(xml: string, index: number): string {
	return [...xml.slice(0, index).matchAll(/<([A-Za-z_][\w.:-]*)[^>]*>/g)].at(-1)?.[1]?.replace(/^.*:/, '') ?? 'xml';
}

/**
 * What the validator lets through but XML 1.0 calls not well-formed, and the parser would
 * silently change: a character reference to a character XML forbids (&#0;, &#1;, &#xFFFE;,
 * stored stripped or literally), an entity never declared (&foo;, stored literally). And
 * nesting deeper than any CAP document has. Each names the element it is in.
 */
function wellFormedDepthAndReferences(xml: string): void {
	// CDATA holds no references or tags; blank it out, keeping the offsets.
	const plain = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, (c) => ' '.repeat(c.length));
	for (const m of plain.matchAll(/&(#x[0-9a-fA-F]+|#[0-9]+|[^;\s&<]*);/g)) {
		const ref = m[1]!;
		const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : ref.startsWith('#') ? parseInt(ref.slice(1), 10) : null;
		if (code === null ? PREDEFINED.has(ref) : isXmlChar(code)) continue;
		const why = code === null ? `the entity &${ref}; is not declared` : `&${ref}; refers to a character XML 1.0 does not allow`;
		throw new CapError(elementAt(plain, m.index), `not well-formed: ${why}`);
	}
	let depth = 0;
	for (const m of plain.matchAll(/<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/g)) {
		if (m[1]) depth--;
		else if (!m[3] && ++depth > MAX_DEPTH) throw new CapError(m[2]!.replace(/^.*:/, ''), `nested deeper than ${MAX_DEPTH} elements: no CAP document is`);
	}
}

/** Parses and checks a CAP 1.2 alert; throws CapError naming the element at fault. */
export function parseCap(xml: string): CapAlert {
	if (Buffer.byteLength(xml, 'utf8') > MAX_BYTES) throw new CapError('alert', `the document is larger than ${MAX_BYTES} bytes`);
	const bad = NOT_XML.exec(xml);
	if (bad) throw new CapError('xml', `character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML (line ${xml.slice(0, bad.index).split('\n').length})`);
	if (/<!DOCTYPE/i.test(xml)) throw new CapError('!DOCTYPE', 'document type declarations are not accepted (no DTD is ever processed)');
	if (/<!ENTITY/i.test(xml)) throw new CapError('!ENTITY', 'entity declarations are not accepted');
	const valid = XMLValidator.validate(xml);
	if (valid !== true) throw new CapError('xml', `not well-formed at line ${valid.err.line}: ${valid.err.msg}`);
	wellFormedDepthAndReferences(xml);
	// Prefixes are dropped by the parser, so the root's name and namespace are read from its start tag.
	const root = xml.match(/<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)\b([^>]*?)\/?>/);
	if (root?.[2] !== 'alert') throw new CapError(root?.[2] ?? 'xml', 'the root element must be <alert>');
	const attr = root[1] ? `xmlns:${root[1]}` : 'xmlns';
	const ns = root[3]?.match(new RegExp(`${attr}\\s*=\\s*["']([^"']*)["']`))?.[1];
	if (ns !== CAP_NS) throw new CapError('alert', `the namespace must be ${CAP_NS}${ns ? `, not ${ns}` : ' (none given)'}`);
	const doc = parser.parse(xml) as Node;
	// <alert/> parses as empty text: an alert without its elements.
	const alert = (typeof doc.alert === 'object' && doc.alert ? doc.alert : {}) as Node;

	const status = oneOf(text(alert, 'status', 'alert', true), ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const, 'alert/status');
	const msgType = oneOf(text(alert, 'msgType', 'alert', true), ['Alert', 'Update', 'Cancel'] as const, 'alert/msgType');
	const scope = text(alert, 'scope', 'alert', true);
	if (scope !== 'Public') throw new CapError('alert/scope', `only Public alerts are accepted, not "${scope}"`);
	const identifier = text(alert, 'identifier', 'alert', true);
	const sender = text(alert, 'sender', 'alert', true);
	for (const [name, value] of [['identifier', identifier], ['sender', sender]] as const) {
		if (!/^[^\s\u0085,<&]{1,200}$/.test(value)) throw new CapError(`alert/${name}`, 'must not contain spaces, commas, < or &');
	}
	const sent = time(text(alert, 'sent', 'alert', true), 'alert/sent');
	const refText = text(alert, 'references', 'alert');
	const references = (refText ?? '').split(/\s+/).filter(Boolean).map((r) => {
		const [s, id, at, ...rest] = r.split(',');
		if (!s || !id || !at || rest.length) throw new CapError('alert/references', `"${r}" is not "sender,identifier,sent"`);
		return { sender: s, identifier: id, sent: at };
	});
	if (msgType !== 'Alert' && !references.length) throw new CapError('alert/references', `an ${msgType} must reference the alert it applies to`);

	const infoNodes = (alert.info as Node[] | undefined) ?? [];
	if (!infoNodes.length) throw new CapError('alert/info', 'at least one <info> is required');
	const first = infoNodes[0]!;
	const at1 = 'alert/info[1]';
	const codes = pairs(first, 'eventCode', at1);
	const coded = codes.find((c) => c.valueName.toLowerCase() === 'hazard')?.value;
	const event = text(first, 'event', at1, true);
	const hazard = coded !== undefined ? (isHazardCode(coded) ? coded : null) : hazardFromEvent(event);
	if (!hazard) {
		throw new CapError(coded !== undefined ? `${at1}/eventCode` : `${at1}/event`, `cannot tell the hazard from "${coded ?? event}"`);
	}
	const params = pairs(first, 'parameter', at1);
	const levelParam = params.find((p) => LEVEL_PARAMS.has(p.valueName.toLowerCase()));
	const severity = oneOf(text(first, 'severity', at1, true), ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const, `${at1}/severity`);
	const level = levelParam ? LEVEL_WORDS[levelParam.value.trim().toLowerCase()] : FROM_SEVERITY[severity];
	if (!level) {
		throw new CapError(levelParam ? `${at1}/parameter` : `${at1}/severity`, `cannot tell the warning level from "${levelParam?.value ?? severity}"`);
	}
	const urgency = oneOf(text(first, 'urgency', at1, true), URGENCIES, `${at1}/urgency`);
	const certainty = oneOf(text(first, 'certainty', at1, true), CERTAINTIES, `${at1}/certainty`);
	const responses = (first.responseType as string[] | undefined) ?? [];
	const responseType = responses.length ? oneOf(responses[0]!, RESPONSE_TYPES, `${at1}/responseType`) : 'None';
	const effectiveText = text(first, 'effective', at1);
	const effective = effectiveText ? time(effectiveText, `${at1}/effective`) : sent;
	const onsetText = text(first, 'onset', at1);
	const expires = time(text(first, 'expires', at1, true), `${at1}/expires`);
	if (expires <= effective) throw new CapError(`${at1}/expires`, 'must be after effective');

	let areas: AreaSpec[] = [];
	const infos: Info[] = infoNodes.map((node, index) => {
		const at = `alert/info[${index + 1}]`;
		const areaNodes = (node.area as Node[] | undefined) ?? [];
		if (!areaNodes.length) throw new CapError(`${at}/area`, 'at least one <area> is required');
		const parsed = areaNodes.map((a, i) => parseArea(a, `${at}/area[${i + 1}]`));
		if (index === 0) areas = parsed.flatMap((p) => p.specs);
		if (!parsed.some((p) => p.specs.length)) throw new CapError(`${at}/area`, 'needs a polygon, circle or geocode');
		const lang = normaliseLang(text(node, 'language', at));
		if (!LANGUAGE.test(lang)) throw new CapError(`${at}/language`, `"${lang}" is not a language tag this service stores (like zh-CN or en)`);
		return {
			lang,
			event: text(node, 'event', at, true),
			headline: text(node, 'headline', at, true),
			description: text(node, 'description', at, true),
			instruction: text(node, 'instruction', at, true),
			senderName: text(node, 'senderName', at) ?? sender,
			areaDesc: parsed.map((p) => p.desc).join('; ')
		};
	});
	const langs = new Set(infos.map((i) => i.lang));
	if (langs.size !== infos.length) throw new CapError('alert/info', 'two <info> blocks have the same language');

	const note = text(alert, 'note', 'alert');
	return {
		identifier,
		sender,
		sent,
		status,
		msgType,
		references,
		note: note ? [...note].slice(0, 500).join('') : null,
		warning: {
			status,
			hazard,
			level,
			urgency,
			certainty,
			responseType,
			effective,
			onset: onsetText ? time(onsetText, `${at1}/onset`) : null,
			expires,
			web: text(first, 'web', at1),
			contact: text(first, 'contact', at1),
			// Our own drill parameter would text an event's volunteers: never taken from outside.
			parameters: params.filter((p) => p !== levelParam && p.valueName.toLowerCase() !== DRILL_PARAMETER.toLowerCase()),
			areas,
			infos
		}
	};
}

function el(name: string, value: string | null | undefined, indent: string): string {
	return value === null || value === undefined || value === '' ? '' : `${indent}<${name}>${esc(value)}</${name}>\n`;
}

function pair(name: string, p: Parameter, indent: string): string {
	return `${indent}<${name}>\n${el('valueName', p.valueName, indent + '  ')}${indent}  <value>${esc(p.value)}</value>\n${indent}</${name}>\n`;
}

export type ExportInput = CapAlert & {
	/** the public page of the warning, used when the message has no web link of its own */
	web: string;
};

/** A CAP 1.2 document for one message; valid against the OASIS schema. */
export function toCap(m: ExportInput): string {
	const w = m.warning;
	const category = HAZARDS.find((h) => h.code === w.hazard)!.category;
	const areaXml = (info: Info) => {
		let xml = `    <area>\n${el('areaDesc', info.areaDesc, '      ')}`;
		for (const a of w.areas) if (a.kind === 'polygon') xml += el('polygon', formatPolygon(a.points), '      ');
		for (const a of w.areas) if (a.kind === 'circle') xml += el('circle', formatCircle(a), '      ');
		for (const a of w.areas) if (a.kind === 'geocode') xml += pair('geocode', { valueName: GEOCODE_NAME, value: a.code }, '      ');
		return `${xml}    </area>\n`;
	};
	const infos = w.infos.map(
		(info) =>
			'  <info>\n' +
			el('language', info.lang, '    ') +
			el('category', category, '    ') +
			el('event', info.event, '    ') +
			el('responseType', w.responseType, '    ') +
			el('urgency', w.urgency, '    ') +
			el('severity', CAP_SEVERITY[w.level], '    ') +
			el('certainty', w.certainty, '    ') +
			pair('eventCode', { valueName: 'hazard', value: w.hazard }, '    ') +
			el('effective', capTime(w.effective), '    ') +
			el('onset', w.onset ? capTime(w.onset) : null, '    ') +
			el('expires', capTime(w.expires), '    ') +
			el('senderName', info.senderName, '    ') +
			el('headline', info.headline, '    ') +
			el('description', info.description, '    ') +
			el('instruction', info.instruction, '    ') +
			el('web', w.web ?? m.web, '    ') +
			el('contact', w.contact, '    ') +
			pair('parameter', { valueName: 'level', value: w.level }, '    ') +
			w.parameters.map((p) => pair('parameter', p, '    ')).join('') +
			areaXml(info) +
			'  </info>\n'
	);
	return (
		'<?xml version="1.0" encoding="UTF-8"?>\n' +
		`<alert xmlns="${CAP_NS}">\n` +
		el('identifier', m.identifier, '  ') +
		el('sender', m.sender, '  ') +
		el('sent', capTime(m.sent), '  ') +
		el('status', m.status, '  ') +
		el('msgType', m.msgType, '  ') +
		el('scope', 'Public', '  ') +
		el('note', m.note, '  ') +
		el('references', m.references.map((r) => `${r.sender},${r.identifier},${r.sent}`).join(' '), '  ') +
		infos.join('') +
		'</alert>\n'
	);
}
