/**
 * Answers with no network, from what the device keeps: the guides' compact search index
 * (precached with the app) and the shelter snapshot (kept by the service worker). Guide
 * and shelter questions only, emergencies first; the rest says it needs the network.
 * Advice is a verbatim excerpt of the guide's own text, as online.
 */
import type { TFunction } from 'i18next';
import type { Lang } from '$lib/i18n';
import { createGuideIndex, type GuideDoc, type SectionId } from '$lib/guides/search';
import { isHazardCode, type HazardCode } from '$lib/hazards';
import { nearestOnDevice } from '$lib/shelters/nearest';
import { excludedLine, formatDistance, noticeText } from '$lib/shelters/words';
import type { ShelterSnapshot } from '$lib/shelters/types';
import { classify, emergencyIn, guideNamed, hazardIn, sectionAsked, topicalHit } from './classify';
import { callNow, type Link } from './replies';
import { normalize } from './text';
import words from './words.json';

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

function guideFromDocs(docs: GuideDoc[], lang: Lang, text: string): GuideDoc | null {
	const named = guideNamed(text);
	const bySlug = (slug: string | null) => (slug ? (docs.find((d) => d.slug === slug) ?? null) : null);
	const direct = bySlug(named.topic) ?? bySlug(named.hazard);
	if (direct) return direct;
	const index = createGuideIndex(docs, lang);
	const query = named.hazard ? `${text} ${named.hazard}` : text;
	return bySlug(topicalHit(index.search(query)));
}

function townIn(snapshot: ShelterSnapshot, text: string): ShelterSnapshot['towns'][number] | null {
	for (const town of snapshot.towns) {
		if (town.lat === null) continue;
		const names = [town.name_zh, town.name_en.toLowerCase()];
		for (const suffix of words.place_suffixes.town) if (town.name_zh.endsWith(suffix)) names.push(town.name_zh.slice(0, -suffix.length));
		names.push(town.name_en.toLowerCase().replace(/ (town|subdistrict|area)$/, ''));
		if (names.some((n) => n.length >= 2 && !words.district_words.includes(n) && text.includes(n))) return town;
	}
	return null;
}

export async function answerOffline(raw: string, lang: Lang, position: Position, t: TFunction, load: Load = loadJson): Promise<OfflineAnswer> {
	const text = normalize(raw);
	const note = t('assistant.page.offline');
	const emergency = emergencyIn(text);
	if (emergency.length) return { intent: 'emergency', ...callNow(t, emergency) };

	const docs = (await load(`/guides/search-${lang}.json`).catch(() => [])) as GuideDoc[];
	const guide = guideFromDocs(docs, lang, text);
	const intent = classify(text, { emergency, place: null, guide: guide ? { by: 'topic' } : null, category: '', hazard: hazardIn(text) });

	if (intent === 'guide' && guide) {
		const section: SectionId = sectionAsked(text);
		const heading = t(`guides.section_${section}`);
		return {
			intent,
			reply: [note, t('assistant.reply.guide_intro', { title: guide.title, section: heading }), excerpt(guide.sections[section], lang)].join('\n'),
			links: [{ href: `/guides/${guide.slug}#${section}`, title: t('assistant.reply.guide_link', { title: guide.title }) }]
		};
	}
	if (intent === 'shelter') {
		const snapshot = (await load('/api/shelters/snapshot').catch(() => null)) as ShelterSnapshot | null;
		const town = snapshot ? townIn(snapshot, text) : null;
		const where = position ? { ...position, label: t('assistant.reply.your_location') } : town ? { lat: town.lat!, lon: town.lon!, label: lang === 'en' ? town.name_en : town.name_zh } : null;
		if (!snapshot || !where) return { intent, reply: [note, t('assistant.reply.shelter_where')].join('\n'), links: [{ href: '/shelters', title: t('assistant.reply.shelters_all') }] };
		const hazard = hazardIn(text);
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
			intent,
			reply: [note, ...(notice ? [notice] : []), ...(lines.length ? [t('assistant.reply.shelter_head', { where: where.label }), ...lines] : []), ...excluded, t('shelters.offline_note', { time: snapshot.as_of.slice(0, 16).replace('T', ' ') })].join('\n'),
			links: found.shelters.map((s) => ({ href: `/shelters/${s.id}`, title: t('assistant.reply.shelter_map', { name: lang === 'en' ? s.name_en : s.name_zh }) }))
		};
	}
	if (intent === 'report') return { intent, reply: t('assistant.page.offline_report'), links: [{ href: '/report', title: t('nav.report') }] };
	return { intent: 'unknown', reply: t('assistant.page.offline_unknown'), links: [{ href: 'tel:12345', title: t('emergency.call', { number: '12345', name: t('emergency.number_12345') }) }] };
}

