/**
 * The intent of a message, by rules over words.json and what was recognised in it.
 * Emergencies first, always; then what the resident asks for by name; a guide only
 * when one clearly matches; else small talk, else "unknown". Shared by the server and
 * the page's offline answers, so both understand a message the same way.
 */
import type { SearchResult } from 'minisearch';
import type { SectionId } from '$lib/guides/search';
import type { EmergencyNumber } from '$lib/reports/emergency';
import type { ReportCategory } from '$lib/db-types.gen';
import { any, found, isOnly } from './text';
import words from './words.json';

export const INTENTS = ['emergency', 'guide', 'shelter', 'warnings', 'scenic', 'report', 'smalltalk', 'unknown'] as const;
export type Intent = (typeof INTENTS)[number];

/** The longest word of a word list found in the text, by key. */
function longestKey(text: string, lists: Record<string, string[]>): string | null {
	let best: { key: string; length: number } | null = null;
	for (const [key, list] of Object.entries(lists)) {
		for (const w of found(text, list)) if (!best || w.length > best.length) best = { key, length: w.length };
	}
	return best?.key ?? null;
}

/** The hazard a message names (for shelters and guides). */
export function hazardIn(text: string): string | null {
	return longestKey(text, words.hazards);
}

/** The guide a topic word names (溺水 → drowning), and the hazard named. */
export function guideNamed(text: string): { topic: string | null; hazard: string | null } {
	return { topic: longestKey(text, words.guide_words), hazard: hazardIn(text) };
}

/** The category the words suggest, if one does. */
export function categoryIn(text: string): ReportCategory | '' {
	let best: { category: ReportCategory; length: number } | null = null;
	for (const [category, list] of Object.entries(words.categories)) {
		for (const w of found(text, list)) if (!best || w.length > best.length) best = { category: category as ReportCategory, length: w.length };
	}
	return best?.category ?? '';
}

/** The best hit of any score: for a question the model knows is about a guide when no guide clearly matched. */
export function looseHit(results: SearchResult[]): string | null {
	return results[0] ? String(results[0].id) : null;
}

/** The question without its filler words, for the guides' search. */
export function guideQuery(text: string): string {
	let query = text;
	for (const w of words.stop.filter((s) => /\p{Script=Han}/u.test(s) && s.length > 1)) query = query.split(w).join(' ');
	return query;
}

/** Below this, a search hit is a coincidence of common words, not the topic. */
const MIN_SCORE = 6;

/** The best search hit, if it is about the topic: found in a guide's title or hazard names, not just somewhere in its text. */
export function topicalHit(results: SearchResult[]): string | null {
	const hit = results[0];
	if (!hit || hit.score < MIN_SCORE) return null;
	const topical = Object.entries(hit.match).some(([term, fields]) => !words.stop.includes(term) && term.length >= 2 && fields.some((f) => f === 'title' || f === 'keywords'));
	return topical ? String(hit.id) : null;
}

/**
 * Which part (### heading) of a guide's section the question asks for ("噎住了": the choking
 * steps of first aid, not its first part, bleeding): the headings, in both languages, of the
 * first part of words.json's `guide_parts` whose words are in the text; null for none. `text` is normalized.
 */
export function partAsked(slug: string, text: string): string[] | null {
	const parts = (words.guide_parts as Record<string, { heading: string[]; words: string[] }[] | string>)[slug];
	if (!Array.isArray(parts)) return null;
	const bare = text.replace(/'/g, '');
	return parts.find((p) => any(text, p.words) || any(bare, p.words))?.heading ?? null;
}

/** Which section the question asks for: "during" unless it says before or after. */
export function sectionAsked(text: string): SectionId {
	if (found(text, words.before).length) return 'before';
	if (found(text, words.after).length) return 'after';
	return 'during';
}

/**
 * The numbers to call now, most relevant first; empty when nothing is happening now.
 * "If …" and "… or …?" are questions about a guide, not an emergency; "trapped" with
 * "what do I do" is still a question, but smoke, gas or a person in the water never is.
 */
export function emergencyIn(message: string): EmergencyNumber[] {
	// A cry or a danger told alone (救命, 淹水了, fire): the threat's number first, then the general ones.
	if (isOnly(message, words.urgent_alone)) return byThreat(message, ANY_NUMBER);
	const text = withoutObjects(message);
	if (drill(text)) return [];
	// "Run up or down?" is asked from inside the danger: only a true "if" makes it a guide question, not its "or".
	const escape = asksEscape(text);
	if (any(text, escape ? words.danger.supposing : words.hypothetical) || longAgo(text) || unharmed(text)) return [];
	const hits = (['119', '110', '120'] as const).map((n) => [n, found(text, words.emergency[n])] as const);
	const weakOnly = hits.every(([, list]) => list.every((w) => words.emergency_weak.includes(w)));
	if (weakOnly && !escape && any(text, words.guide_cues)) return [];
	// "How to stop heavy bleeding", "油锅起火能用水浇吗": the emergency is the topic of a question (danger-now still sees a real one).
	if (topic(text)) return [];
	const out: EmergencyNumber[] = hits.filter(([, list]) => list.length).map(([n]) => n);
	if (!out.length && any(without(text, words.not_urgent), words.urgent)) return byThreat(text, ANY_NUMBER);
	return out;
}

/** The message only cries for help (救命, help): no emergency phrase nor threat says what is happening. `text` is normalized. */
export function cryOnly(text: string): boolean {
	return !threatNumbers(text).length && (['119', '110', '120'] as const).every((n) => !any(text, words.emergency[n]));
}

/** The text with the phrases taken out. */
function without(text: string, phrases: readonly string[]): string {
	let out = text;
	for (const p of phrases) out = out.split(p).join(' ');
	return out;
}

/** "Fire exit", "smoke detector": things named, not a fire; read past by the emergency readers. `text` is normalized. */
export function withoutObjects(text: string): string {
	return without(text, words.danger.objects);
}

/** A drill ("消防演练", a fire drill), unless it says it is not one. `text` is normalized. */
export function drill(text: string): boolean {
	return any(text, words.danger.drill) && !any(text, words.danger.real);
}

/** Something is happening, nobody said what: the general numbers. */
export const ANY_NUMBER: readonly EmergencyNumber[] = ['110', '120', '119'];

/**
 * Does the message ask which way to get away, from inside the danger (楼道全是烟 往上跑还是往下跑,
 * which way do we run)? Asked in general (高楼着火该往上跑还是往下跑: "should", no people, no
 * "now") it is the guide's question. `text` is normalized.
 */
export function asksEscape(text: string): boolean {
	const d = words.danger;
	return any(text, d.escape) && (!any(text, d.general) || any(text, d.people) || any(text, d.now));
}

/** The numbers whose threats the message names (全是烟: 119; 不见了: 110), in the order of `NUMBERS`. `text` is normalized. */
export function threatNumbers(text: string): EmergencyNumber[] {
	const bare = text.replace(/'/g, '');
	return THREAT_ORDER.filter((n) => any(text, words.danger.threat[n]) || any(bare, words.danger.threat[n]));
}
const THREAT_ORDER = ['119', '110', '120'] as const;

/**
 * The numbers with those of the threat named first: smoke in the stairwell leads with 119
 * even when only "help" or the model's guess called, never with the general 110.
 */
export function byThreat(text: string, numbers: readonly EmergencyNumber[]): EmergencyNumber[] {
	return [...new Set([...threatNumbers(text), ...numbers])];
}

/**
 * The guide for what is happening, by the emergency words (全是烟: building_fire; 落水:
 * drowning), for the answer after a call box. The order of words.json decides between two
 * (a forest fire before a fire in a building). `text` is normalized.
 */
export function emergencyGuideIn(text: string): string | null {
	for (const [slug, list] of Object.entries(words.emergency_guides)) if (any(text, list)) return slug;
	return null;
}

/** What to do before calling, or while: leave a gas smell, protect yourself while it shakes, leave a forest fire early. */
export const ACTS = ['earthquake', 'gas', 'forest_fire'] as const;
export type Act = (typeof ACTS)[number];

/** The act an emergency message calls for first, if any. `text` is normalized. */
export function actFirst(text: string): Act | null {
	return ACTS.find((a) => any(text, words.act_first[a])) ?? null;
}

/** The message without hyperbole ("气死我了", "killing me"): 死 as "very" is not a death. `text` is normalized. */
export function plain(text: string): string {
	let out = text;
	for (const w of words.hyperbole) out = out.split(w).join(' ');
	return out === text ? text : out.replace(/ +/g, ' ').trim();
}

/**
 * Someone who does not respond, does not breathe or has collapsed needs the ambulance before
 * the police: 120 goes before 110 (a fire's 119 keeps its place). `text` is normalized.
 */
export function medicalFirst(text: string, numbers: EmergencyNumber[]): EmergencyNumber[] {
	const police = numbers.indexOf('110');
	const ambulance = numbers.indexOf('120');
	if (police < 0 || !(any(text, words.danger.medical_first) || any(text.replace(/'/g, ''), words.danger.medical_first))) return numbers;
	if (ambulance >= 0 && ambulance < police) return numbers;
	const out: EmergencyNumber[] = numbers.filter((n) => n !== '120');
	out.splice(out.indexOf('110'), 0, '120');
	return out;
}

/** A kind of emergency (`call_kinds`): the numbers it needs, in order, and the guide whose steps follow the call box. */
export type CallKind = { call: EmergencyNumber[]; steps: string | null };

/**
 * The kind of emergency the message tells, by the first of words.json's `call_kinds` all of
 * whose parts it has (a person in the water: 110, 119, 120 and the drowning steps; a burn:
 * 120 and the burn steps); null for none. `text` is normalized.
 */
export function callKind(text: string): CallKind | null {
	const bare = text.replace(/'/g, '');
	const kind = words.call_kinds.kinds.find((k) => k.all.every((part) => any(text, part) || any(bare, part)));
	return kind ? { call: kind.call as EmergencyNumber[], steps: kind.steps ?? null } : null;
}

/**
 * A hazard, weather or a problem for a department told with nobody in it (外面下冰雹了,
 * 路被石头堵住了): no person (a place said as "我在 …" is not one), no threat, no signal, no
 * grave sign, nor I or we). The model's guess alone does not call then; the rules still read it. `text` is normalized.
 */
export function nobodyInIt(text: string): boolean {
	const d = words.danger;
	if (!hazardIn(text) && !categoryIn(text) && !any(text, d.weather)) return false;
	const bare = without(text.replace(/'/g, ''), d.located);
	const has = (list: readonly string[]) => any(bare, list);
	return !has(d.people) && !has(d.self) && !Object.values(d.threat).some(has) && !Object.values(d.signal).some(has) && !has(d.grave);
}

/** The numbers with the one the message names first ("what number for an ambulance": 120). */
export function namedFirst(text: string, numbers: EmergencyNumber[]): EmergencyNumber[] {
	const named = (['120', '119', '110'] as const).filter((n) => any(text, words.number_named[n]));
	return named.length ? [...new Set([...named, ...numbers])] : numbers;
}

/**
 * The message says nobody is at risk (nobody hurt, everyone is out, nobody around): a
 * hazard told so is a report, not a call (danger-now's own signals still call). `text` is normalized.
 */
export function unharmed(text: string): boolean {
	return any(text, words.danger.unharmed) || any(text.replace(/'/g, ''), words.danger.unharmed);
}

/**
 * The message says it is not happening now: a supposition ("if", "for example"), long ago, a
 * drill, a question about the danger as a topic, or a calm fire (burning straw, already out). The rules have read it and called no
 * one; the model's guess alone does not call then. `text` is normalized.
 */
export function notNow(text: string): boolean {
	const d = words.danger;
	return any(text, d.supposing) || longAgo(text) || drill(text) || any(text, d.calm) || topic(text);
}

/**
 * The danger is the topic, not happening: a question about it ("怎么止血", how to), or one
 * asked in general (below). `text` is normalized.
 */
export function topic(text: string): boolean {
	return any(text, words.emergency_topic) || inGeneral(text);
}

/**
 * Asked in general, about a method, ahead or as a habit ("被蛇咬了一般咋处理", "湿毛巾捂嘴有用吗",
 * 小孩老往里钻, "晚上肯定有人掉进去"), or "should", "what can one do" about nobody in particular
 * (老年人心脏病犯了 送医院前能做点啥; not 我爸, 那个人, my dad), unless something says it is
 * happening now (现在, still). A blind split's false call boxes were mostly these; no emergency
 * of the corpus reads so. `text` is normalized.
 */
export function inGeneral(text: string): boolean {
	const d = words.danger;
	const bare = text.replace(/'/g, '');
	const general = any(text, d.generic) || (any(text, d.general) && !any(text, d.specific) && !any(bare, d.specific));
	return general && !any(text, d.still_now);
}

/** It happened long ago (last year, yesterday) or is yet to come (tomorrow), and nothing says it is happening now. */
export function longAgo(text: string): boolean {
	return (any(text, words.danger.long_ago) || any(text, words.danger.future)) && !any(text, words.danger.still_now);
}

/** Does the message ask what to do (a question, "what do I do", which way to run)? `text` is normalized. */
export function asks(text: string): boolean {
	return isQuestion(text) || any(text, words.guide_cues) || asksEscape(text);
}

/** Does the message ask something (as opposed to telling about a problem)? */
export function isQuestion(text: string): boolean {
	let t = text;
	for (const w of words.not_question) t = t.split(w).join(' ');
	return any(t, words.question);
}

export type Features = {
	emergency: EmergencyNumber[];
	place: { kind: 'town' | 'village' | 'scenic' } | null;
	guide: { by: 'topic' | 'search' } | null;
	/** the report category the words suggest ('' for none) */
	category: string;
	hazard: string | null;
};

/** The rules' intent: one of the cues the model reads (cues.ts). */
export function classify(text: string, f: Features): Intent {
	if (f.emergency.length) return 'emergency';
	if (any(text, words.report)) return 'report';
	const howTo = any(text, words.guide_cues);
	const question = isQuestion(text);
	const scenicPlace = f.place?.kind === 'scenic';
	const placed = Boolean(f.place) && !scenicPlace;
	if (!any(text, words.not_shelter)) {
		if (any(text, words.shelter)) return 'shelter';
		// "where do we go" is a shelter question when a place is named, else the guide's "run uphill".
		if (any(text, words.shelter_weak) && (placed || !f.guide)) return 'shelter';
	}
	const opening = any(text, words.opening);
	const warningWords = any(text, words.warnings) && !any(text, words.not_warnings);
	if (scenicPlace && (opening || warningWords)) return 'scenic';
	if (warningWords) return 'warnings';
	// "Did the reservoir release water just now?" asks for the live state, not the guide; "明天有没有暴雨"
	// asks what is coming, which the warnings in force answer (a "what do I do" question stays the guide's).
	if (f.hazard && (any(text, words.nowish) || any(text, words.forecast)) && question && !howTo) return 'warnings';
	// A problem told, not asked about, with a kind of hazard a department handles: a report.
	if (f.category && !question && !howTo) return 'report';
	if (scenicPlace) return f.guide?.by === 'topic' ? 'guide' : 'scenic';
	if (any(text, words.scenic) && !f.guide) return 'scenic';
	if (any(text, words.smalltalk) && f.guide?.by !== 'topic') return 'smalltalk';
	if (f.guide) return 'guide';
	return 'unknown';
}
