/**
 * Answers with no network, from what the device keeps: the guides' compact search index
 * (precached with the app) and the shelter snapshot (kept by the service worker), with
 * the same understanding as the server (understand.ts: rules, danger-now and the model).
 * Guide and shelter questions only, emergencies first; the rest is understood but says
 * it needs the network.
 * Advice is a verbatim excerpt of the guide's own text, as online.
 */
import type { TFunction } from 'i18next';
import type { Lang } from '$lib/i18n';
import { createGuideIndex, type GuideDoc, type SectionId } from '$lib/guides/search';
import { isHazardCode, type HazardCode } from '$lib/hazards';
import { nearestOnDevice } from '$lib/shelters/nearest';
import { excludedLine, formatDistance, noticeText } from '$lib/shelters/words';
import type { ShelterSnapshot } from '$lib/shelters/types';
import { asks, emergencyGuideIn, guideNamed, guideQuery, hazardIn, looseHit, partAsked, sectionAsked, topicalHit } from './classify';
import { callNow, type Link } from './replies';
import { normalize } from './text';
import { understand } from './understand';
import words from './words.json';
import { beijingTime } from '$lib/time';

export type OfflineAnswer = { intent: string; reply: string; links: Link[] };
export type Position = { lat: number; lon: number } | null;

type Load = (url: string) => Promise<unknown>;

const loadJson: Load = async (url) => {
	const response = await fetch(url);
	if (!response.ok) throw new Error(`${url}: ${response.status}`);
	return response.json();
};

/** About three sentences of a section, cut where a sentence ends: the guide's words, unchanged. */
export function excerpt(text: string, lang: Lang): string {
	const max = lang === 'en' ? 320 : 140;
	if (text.length <= max) return text;
	const cut = Math.max(...['。', '！', '. ', '! '].map((end) => text.lastIndexOf(end, max)));
	return cut > 0 ? text.slice(0, cut + 1).trim() : text.slice(0, max);
}

/**
 * Where the part of the section the question asks for starts in the kept plain text (its
 * heading: the choking steps of first aid, as online), or -1. `text` is normalized.
 */
function partAt(doc: GuideDoc, section: SectionId, text: string): number {
	const asked = partAsked(doc.slug, text);
	const at = (asked ?? []).map((h) => doc.sections[section].indexOf(h)).filter((i) => i >= 0);
	return at.length ? Math.min(...at) : -1;
}

/** The guide a question is about, found as the server finds it (guides.ts: matchGuide). */
const bySlug = (docs: GuideDoc[], slug: string | null) => (slug ? (docs.find((d) => d.slug === slug) ?? null) : null);

function guideFromDocs(docs: GuideDoc[], lang: Lang, text: string): { doc: GuideDoc; by: 'topic' | 'search' } | null {
	const named = guideNamed(text);
	const direct = bySlug(docs, named.topic) ?? bySlug(docs, named.hazard);
	if (direct) return { doc: direct, by: 'topic' };
	const happening = bySlug(docs, emergencyGuideIn(text));
	if (happening) return { doc: happening, by: 'search' };
	const found = bySlug(docs, topicalHit(indexOf(docs, lang).search(guideQuery(text))));
	return found ? { doc: found, by: 'search' } : null;
}

function indexOf(docs: GuideDoc[], lang: Lang) {
	let index = indexes.get(docs);
	if (!index) indexes.set(docs, (index = createGuideIndex(docs, lang)));
	return index;
}

/** The index of the kept guides, made once per copy loaded. */
const indexes = new WeakMap<GuideDoc[], ReturnType<typeof createGuideIndex>>();

function townIn(snapshot: ShelterSnapshot, text: string): { town: ShelterSnapshot['towns'][number]; length: number } | null {
	let best: { town: ShelterSnapshot['towns'][number]; length: number } | null = null;
	for (const town of snapshot.towns) {
		if (town.lat === null) continue;
		const names = [town.name_zh, town.name_en.toLowerCase()];
		for (const suffix of words.place_suffixes.town) if (town.name_zh.endsWith(suffix)) names.push(town.name_zh.slice(0, -suffix.length));
		names.push(town.name_en.toLowerCase().replace(/ (town|subdistrict|area)$/, ''));
		for (const n of names) if (n.length >= 2 && !words.district_words.includes(n) && text.includes(n) && (!best || n.length > best.length)) best = { town, length: n.length };
	}
	return best;
}

export async function answerOffline(raw: string, lang: Lang, position: Position, t: TFunction, load: Load = loadJson): Promise<OfflineAnswer> {
	const text = normalize(raw);
	const note = t('assistant.page.offline');
	const [docs, snapshot] = await Promise.all([
		load(`/guides/search-${lang}.json`).catch(() => []) as Promise<GuideDoc[]>,
		load('/api/shelters/snapshot').catch(() => null) as Promise<ShelterSnapshot | null>
	]);
	const match = guideFromDocs(docs, lang, text);
	const u = understand(text, { guide: match ? { by: match.by } : null });
	// Only ever a guide's own words: the nearest guide when none clearly matched, as on the server.
	const wantsGuide = u.intent === 'guide' || u.then === 'guide';
	const guide = match?.doc ?? (wantsGuide ? bySlug(docs, looseHit(indexOf(docs, lang).search(guideQuery(text)))) : null);
	if (u.intent === 'guide' && !guide) u.intent = 'unknown';
	if (u.intent === 'emergency') {
		const call = callNow(t, u.call, u.act);
		// While the ground shakes: take cover first (the guide's words), then the numbers, as online.
		const quake = u.act === 'earthquake' ? bySlug(docs, 'earthquake') : null;
		if (quake) {
			const cover = answerKept('guide', '', lang, position, t, quake, snapshot, 'during');
			return { intent: 'emergency', reply: `${cover.reply}\n\n${call.reply}`, links: [...cover.links, ...call.links] };
		}
		// The model's guess: the call box leads, then the question as asked, where the device can answer it;
		// asked what to do or which way to run, the guide of what is happening (as online).
		// Told of a state the guide has steps for (choking, not breathing, carbon monoxide): its steps too, as online.
		// A kind whose steps a bystander needs now (a person in the water, a cut wrist): those steps whatever was asked, as online.
		const kindDoc = bySlug(docs, u.steps ?? null);
		const told = match ? partAt(match.doc, 'during', text) >= 0 : false;
		const asked = kindDoc || u.then === 'guide' || (u.then === null && (asks(text) || told)) ? 'guide' : u.then;
		const doc = kindDoc ?? (u.then === 'guide' ? guide : (match?.doc ?? null));
		const after = (asked === 'guide' && doc) || asked === 'shelter' ? answerKept(asked, text, lang, position, t, doc, snapshot) : null;
		return after ? { intent: 'emergency', reply: `${call.reply}\n\n${after.reply}`, links: [...call.links, ...after.links] } : { intent: 'emergency', ...call };
	}
	if (u.intent === 'guide' || u.intent === 'shelter') return { intent: u.intent, ...answerKept(u.intent, text, lang, position, t, guide, snapshot) };
	if (u.intent === 'report') return { intent: u.intent, reply: t('assistant.page.offline_report'), links: [{ href: '/report', title: t('nav.report') }] };
	// Understood, but the answer needs the server.
	return { intent: u.intent, reply: [note, t('assistant.page.offline_unknown')].join('\n'), links: [{ href: 'tel:12345', title: t('emergency.call', { number: '12345', name: t('emergency.number_12345') }) }] };
}

/** A guide's excerpt or the nearest kept shelters. */
function answerKept(
	intent: 'guide' | 'shelter',
	text: string,
	lang: Lang,
	position: Position,
	t: TFunction,
	guide: GuideDoc | null,
	snapshot: ShelterSnapshot | null,
	section: SectionId = sectionAsked(text)
): { reply: string; links: Link[] } {
	const note = t('assistant.page.offline');
	if (intent === 'guide' && guide) {
		const heading = t(`guides.section_${section}`);
		const from = Math.max(0, partAt(guide, section, text));
		return {
			reply: [note, t('assistant.reply.guide_intro', { title: guide.title, section: heading }), excerpt(guide.sections[section].slice(from), lang)].join('\n'),
			links: [{ href: `/guides/${guide.slug}#${section}`, title: t('assistant.reply.guide_link', { title: guide.title }) }]
		};
	}
	const town = snapshot ? townIn(snapshot, text)?.town : null;
	const where = position ? { ...position, label: t('assistant.reply.your_location') } : town ? { lat: town.lat!, lon: town.lon!, label: lang === 'en' ? town.name_en : town.name_zh } : null;
	if (!snapshot || !where) return { reply: [note, t('assistant.reply.shelter_where')].join('\n'), links: [{ href: '/shelters', title: t('assistant.reply.shelters_all') }] };
	const hazard = hazardIn(text);
	// The same exclusion rule as the server, applied to the kept snapshot's warning areas.
	const found = nearestOnDevice(snapshot, where.lat, where.lon, hazard && isHazardCode(hazard) ? (hazard as HazardCode) : null, 3);
	const lines = found.shelters.map((s, i) =>
		t('assistant.reply.shelter_line', {
			n: i + 1,
			name: lang === 'en' ? s.name_en : s.name_zh,
			distance: formatDistance(s.distance_m, t),
			walk: t('shelters.walk', { count: s.walk_minutes })
		})
	);
	const notice = noticeText(t, found);
	const excluded = found.excluded.length ? [t('shelters.excluded_title'), ...found.excluded.map((e) => excludedLine(t, e, lang))] : [];
	return {
		reply: [note, ...(notice ? [notice] : []), ...(lines.length ? [t('assistant.reply.shelter_head', { where: where.label }), ...lines] : []), ...excluded, t('shelters.offline_note', { time: beijingTime(snapshot.as_of, lang) })].join('\n'),
		links: found.shelters.map((s) => ({ href: `/shelters/${s.id}`, title: t('assistant.reply.shelter_map', { name: lang === 'en' ? s.name_en : s.name_zh }) }))
	};
}
