/**
 * The answers that read: guides (advice quoted from the guide), shelters, warnings and
 * scenic areas (facts from the database). Every sentence is an i18n template filled
 * with data, or a guide's own words.
 */
import { safetyLinks } from '../evacuation/assistant-links';
import type { TFunction } from 'i18next';
import type { HazardCode } from '$lib/hazards';
import { makeT, type Lang } from '$lib/i18n';
import type { EmergencyNumber } from '$lib/reports/emergency';
import { infoFor, warningTitle } from '$lib/warnings';
import { beijingClock } from '$lib/time';
import type { Queryable } from '../db/port';
import { guideFor } from '../guides';
import { messagesFor } from '../i18n';
import * as scenic from '../scenic';
import { nearest } from '../shelters';
import * as warnings from '../warnings/store';
import { any } from '$lib/assistant/text';
import words from '$lib/assistant/words.json';
import { asks, hazardIn, sectionAsked, type Act } from '$lib/assistant/classify';
import type { Understanding } from '$lib/assistant/understand';
import { callNow } from '$lib/assistant/replies';
import { excludedLine, formatDistance, noticeText } from '$lib/shelters/words';
import { adviceFrom, asksPart, emergencyGuide, type GuideMatch } from './guides';
import type { KnownPlace } from './places';
import type { Answer, Link } from './types';

const translators = new Map<Lang, TFunction>();

export function translator(lang: Lang): TFunction {
	let t = translators.get(lang);
	if (!t) translators.set(lang, (t = makeT(lang, messagesFor(lang))));
	return t;
}

export const placeName = (p: { name_zh: string; name_en: string }, lang: Lang) => (lang === 'en' ? p.name_en : p.name_zh);

export function emergencyAnswer(lang: Lang, numbers: EmergencyNumber[], act: Act | null = null): Answer {
	const call = callNow(translator(lang), numbers, act);
	return { intent: 'emergency', ...call, links: [...call.links, ...safetyLinks(translator(lang), null, 'help')] };
}

/** The call-now reply, then the answer it goes before. */
export function callFirst(lang: Lang, numbers: EmergencyNumber[], after: Answer, act: Act | null): Answer {
	const call = emergencyAnswer(lang, numbers, act);
	return { ...after, intent: 'emergency', reply: `${call.reply}\n\n${after.reply}`, links: [...call.links, ...after.links] };
}

/**
 * The call box for what is happening, told by the rules or danger-now: the numbers, then,
 * asked what to do or which way to run, the steps of the guide of what is happening; else
 * a link to it (never its advice in place of the call).
 */
export function callBox(lang: Lang, u: Pick<Understanding, 'call' | 'act' | 'steps'>, text: string): Answer {
	// A kind whose steps a bystander needs now (a person in the water: reach or throw, don't jump in; a cut wrist: stop the bleeding) gets them whatever was asked.
	if (u.steps) return callFirst(lang, u.call, guideAnswer(lang, { slug: u.steps, by: 'topic' }, text), u.act);
	const linked = emergencyGuide(lang, text);
	// Asked what to do, or told of a state the guide has steps for (choking, not breathing, carbon monoxide): the steps after the numbers.
	if (linked && (asks(text) || asksPart(lang, linked, text))) return callFirst(lang, u.call, guideAnswer(lang, { slug: linked, by: 'topic' }, text), u.act);
	const call = emergencyAnswer(lang, u.call, u.act);
	if (linked) call.links.push(guideLink(lang, linked));
	return call;
}

/** While the ground shakes: the earthquake guide's "during" steps (drop, cover, hold on) and link, then the numbers. */
export function quakeAnswer(lang: Lang, numbers: EmergencyNumber[]): Answer {
	const cover = guideAnswer(lang, { slug: 'earthquake', by: 'topic' }, '', 'during');
	const call = emergencyAnswer(lang, numbers, 'earthquake');
	return { intent: 'emergency', reply: `${cover.reply}\n\n${call.reply}`, links: [...cover.links, ...call.links] };
}

export function guideAnswer(lang: Lang, match: GuideMatch, text: string, section = sectionAsked(text)): Answer {
	const t = translator(lang);
	const guide = guideFor(lang, match.slug)!;
	const advice = adviceFrom(guide, section, 4, text);
	return {
		intent: 'guide',
		reply: [t('assistant.reply.guide_intro', { title: advice.title, section: advice.heading }), ...advice.steps.map((s, i) => `${i + 1}. ${s}`)].join('\n'),
		links: [{ href: advice.href, title: t('assistant.reply.guide_link', { title: advice.title }) }]
	};
}

export function guideLink(lang: Lang, slug: string): Link {
	const guide = guideFor(lang, slug)!;
	return { href: `/guides/${slug}`, title: translator(lang)('assistant.reply.guide_link', { title: guide.title }) };
}

export type Where = { lat: number; lon: number; label: string; approximate: boolean };

/** Where a question is about: the device's position, else the place named. */
export function whereFrom(lang: Lang, lat: number | null, lon: number | null, place: KnownPlace | null): Where | null {
	const t = translator(lang);
	if (lat !== null && lon !== null) return { lat, lon, label: t('assistant.reply.your_location'), approximate: false };
	if (place && place.lat !== null && place.lon !== null) return { lat: place.lat, lon: place.lon, label: placeName(place, lang), approximate: place.kind !== 'scenic' };
	return null;
}

export async function shelterAnswer(tx: Queryable, lang: Lang, where: Where | null, text: string): Promise<Answer> {
	const t = translator(lang);
	if (!where) {
		return { intent: 'shelter', reply: t('assistant.reply.shelter_where'), links: [{ href: '/shelters', title: t('assistant.reply.shelters_all') }] };
	}
	const hazard = hazardIn(text) as HazardCode | null;
	const found = await nearest(tx, { lat: where.lat, lon: where.lon, hazard, limit: 3 });
	const hazardName = hazard ? t(`hazards.${hazard}`) : null;
	const notice = noticeText(t, found);
	if (!found.shelters.length) {
		return {
			intent: 'shelter',
			reply: [notice ?? t('shelters.none_suitable'), ...found.excluded.map((e) => excludedLine(t, e, lang))].join('\n'),
			links: [{ href: 'tel:110', title: t('emergency.call', { number: '110', name: t('emergency.number_110') }) }]
		};
	}
	const lines = found.shelters.map((s, i) =>
		t('assistant.reply.shelter_line', { n: i + 1, name: placeName(s, lang), distance: formatDistance(s.distance_m, t), walk: t('shelters.walk', { count: s.walk_minutes }) })
	);
	const head = hazardName
		? t('assistant.reply.shelter_head_hazard', { where: where.label, hazard: hazardName })
		: t('assistant.reply.shelter_head', { where: where.label });
	const notes = [
		...(found.excluded.length ? [t('shelters.excluded_title'), ...found.excluded.map((e) => excludedLine(t, e, lang))] : []),
		...(where.approximate ? [t('assistant.reply.shelter_approximate')] : []),
		t('shelters.walk_basis', { speed: found.walk_kmh }),
		...(found.shelters.some((s) => s.demo) ? [t('assistant.reply.demo_data')] : [])
	];
	const links: Link[] = found.shelters.map((s) => ({ href: `/shelters/${s.id}`, title: t('assistant.reply.shelter_map', { name: placeName(s, lang) }) }));
	links.push({ href: `/shelters?lat=${where.lat.toFixed(5)}&lon=${where.lon.toFixed(5)}${hazard ? `&hazard=${hazard}` : ''}`, title: t('assistant.reply.shelters_map_all') });
	return { intent: 'shelter', reply: [...(notice ? [notice] : []), head, ...lines, ...notes].join('\n'), links };
}

/** Threads of warnings in force whose area touches the place (a township's approximate area, or a point). */
async function threadsTouching(tx: Queryable, place: KnownPlace | null, lat: number | null, lon: number | null): Promise<Set<string> | null> {
	const town = place?.kind === 'town' || place?.kind === 'village' ? place.town_code : null;
	if (town) {
		const rows = await tx.query<{ thread_id: string }>(
			`select w.thread_id from public.warnings w join public.town_areas a on a.code = $1
			  where app.warning_in_force(w) and extensions.st_intersects(w.area, a.area)`,
			[town]
		);
		return new Set(rows.map((r) => r.thread_id));
	}
	if (lat !== null && lon !== null) {
		const rows = await tx.query<{ thread_id: string }>(
			`select w.thread_id from public.warnings w
			  where app.warning_in_force(w) and extensions.st_intersects(w.area, extensions.st_setsrid(extensions.st_makepoint($2, $1), 4326))`,
			[lat, lon]
		);
		return new Set(rows.map((r) => r.thread_id));
	}
	return null;
}

/** Asked to be told of warnings ("帮我订阅预警"): the subscription page leads the links. `text` is normalized. */
function withSubscribe(lang: Lang, answer: Answer, text: string): Answer {
	if (!any(text, words.subscribe)) return answer;
	return { ...answer, links: [{ href: '/alerts', title: translator(lang)('assistant.reply.subscribe') }, ...answer.links] };
}

export async function warningsAnswer(tx: Queryable, lang: Lang, place: KnownPlace | null, lat: number | null, lon: number | null, text = ''): Promise<Answer> {
	return withSubscribe(lang, await warningsList(tx, lang, place, lat, lon), text);
}

async function warningsList(tx: Queryable, lang: Lang, place: KnownPlace | null, lat: number | null, lon: number | null): Promise<Answer> {
	if (place?.kind === 'scenic') return { ...(await scenicAnswer(tx, lang, place)), intent: 'warnings' };
	const t = translator(lang);
	const all = await warnings.active(tx);
	const touching = await threadsTouching(tx, place, lat, lon);
	const list = touching ? all.filter((w) => touching.has(w.threadId)) : all;
	const where = place ? placeName(place, lang) : lat !== null ? t('assistant.reply.your_location') : t('assistant.reply.the_district');
	const time = beijingClock(new Date(), lang);
	if (!list.length) {
		return { intent: 'warnings', reply: t('assistant.reply.no_warnings', { where, time }), links: [{ href: '/warnings', title: t('assistant.reply.warnings_all') }] };
	}
	// A drill is shown as one, as everywhere else in the app (warningTitle: 【演习】 / [DRILL]).
	const headline = (w: (typeof list)[number]) => infoFor(w.infos, lang)?.headline ?? t(`hazards.${w.hazard}`);
	const lines = list.slice(0, 5).map((w) => warningTitle(t, w.status, `${t(`levels.${w.level}`)} · ${headline(w)}`));
	const links = list.slice(0, 5).map((w) => ({ href: `/warnings/${w.threadId}`, title: warningTitle(t, w.status, headline(w)) }));
	links.push({ href: '/warnings', title: t('assistant.reply.warnings_all') }, ...safetyLinks(t, list[0]!.threadId));
	return { intent: 'warnings', reply: [t('assistant.reply.warnings_head', { where, time, count: list.length }), ...lines].join('\n'), links };
}

export async function scenicAnswer(tx: Queryable, lang: Lang, place: KnownPlace | null): Promise<Answer> {
	const t = translator(lang);
	if (place?.kind !== 'scenic') {
		return { intent: 'scenic', reply: t('assistant.reply.scenic_which'), links: [{ href: '/scenic', title: t('assistant.reply.scenic_all') }] };
	}
	const area = (await scenic.get(tx, place.id))!;
	const name = placeName(area, lang);
	const note = lang === 'en' ? area.note_en : area.note_zh;
	const lines = [t('assistant.reply.scenic_state', { name, state: t(`scenic.state_${area.state}`) })];
	if (note) lines.push(note);
	for (const w of area.warnings) lines.push(warningTitle(t, w.status, `${t(`levels.${w.level}`)} · ${lang === 'en' ? w.headline_en : w.headline_zh}`));
	if (!area.warnings.length) lines.push(t('assistant.reply.scenic_no_warnings'));
	if (area.phone) lines.push(t('assistant.reply.scenic_phone', { phone: area.phone }));
	return { intent: 'scenic', reply: lines.join('\n'), links: [{ href: `/scenic/${area.id}`, title: name }] };
}

export function unknownAnswer(lang: Lang, text: string): Answer {
	const t = translator(lang);
	return {
		intent: 'unknown',
		reply: t('assistant.reply.unknown'),
		links: [
			{ href: 'tel:12345', title: t('emergency.call', { number: '12345', name: t('emergency.number_12345') }) },
			{ href: `/guides?q=${encodeURIComponent(text.slice(0, 100))}`, title: t('assistant.reply.search') }
		]
	};
}

/** A greeting gets the introduction; thanks get a thanks reply. `text` is normalized. */
export function smalltalkAnswer(lang: Lang, text = ''): Answer {
	const t = translator(lang);
	const key = any(text, words.thanks) ? 'assistant.reply.thanks' : 'assistant.reply.hello';
	return { intent: 'smalltalk', reply: t(key), links: [], choices: suggestions(lang) };
}

export function suggestions(lang: Lang): string[] {
	const t = translator(lang);
	return ['suggest_flood', 'suggest_shelter', 'suggest_warnings', 'suggest_scenic', 'suggest_report'].map((k) => t(`assistant.page.${k}`));
}
