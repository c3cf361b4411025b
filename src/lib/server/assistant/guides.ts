/**
 * Which guide a question is about, and the advice to quote from it. Retrieval is the
 * guides' own search (the same Chinese word segmentation), with the question's filler
 * words taken out and a floor on the score, plus the hazard and topic words of
 * words.json. Advice is never written here: it is the guide's own list items, verbatim.
 */
import type MiniSearch from 'minisearch';
import type { Lang } from '$lib/i18n';
import { createGuideIndex, type GuideDoc, type SectionId } from '$lib/guides/search';
import { guideDocs, guideFor, guideForHazard, type Guide } from '../guides';
import { emergencyGuideIn, guideNamed, guideQuery, looseHit, partAsked, topicalHit } from '$lib/assistant/classify';
import { contains, found, normalize } from '$lib/assistant/text';
import words from '$lib/assistant/words.json';

const indexes = new Map<Lang, MiniSearch<GuideDoc>>();

function indexFor(lang: Lang): MiniSearch<GuideDoc> {
	let index = indexes.get(lang);
	if (!index) indexes.set(lang, (index = createGuideIndex(guideDocs(lang), lang)));
	return index;
}

export type GuideMatch = { slug: string; by: 'topic' | 'search' };

/** The guide a message is about, if one clearly is. `text` is normalized. */
export function matchGuide(lang: Lang, text: string): GuideMatch | null {
	const { topic, hazard } = guideNamed(text);
	// A topic word names the guide (溺水 → drowning); a hazard word its hazard's guide.
	if (topic && guideFor(lang, topic)) return { slug: topic, by: 'topic' };
	if (hazard) {
		const guide = guideForHazard(lang, hazard as Parameters<typeof guideForHazard>[1]);
		if (guide) return { slug: guide.slug, by: 'topic' };
	}
	// What is happening (全是烟, 落水) before the search: "run up or down" must not find the flash flood's "run uphill" in a fire.
	const happening = emergencyGuideIn(text);
	if (happening && guideFor(lang, happening)) return { slug: happening, by: 'search' };
	const slug = topicalHit(indexFor(lang).search(guideQuery(text)));
	return slug ? { slug, by: 'search' } : null;
}

/** The guide a message the model knows is a guide question comes nearest to, when none clearly matched. */
export function nearestGuide(lang: Lang, text: string): GuideMatch | null {
	const slug = looseHit(indexFor(lang).search(guideQuery(text)));
	return slug ? { slug, by: 'search' } : null;
}

/** The guide worth giving after the call-now reply: the one the message names, else by what is happening (matchGuide's order). */
export function emergencyGuide(lang: Lang, text: string): string | null {
	return matchGuide(lang, text)?.slug ?? null;
}

export type Advice = { title: string; heading: string; steps: string[]; href: string };

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The top-level list items of a rendered section, as plain text. */
export function listItems(html: string): string[] {
	const items: string[] = [];
	let depth = 0;
	let start = -1;
	for (const m of html.matchAll(/<(\/?)li>|<(\/?)(ul|ol)>/g)) {
		if (m[3]) {
			depth += m[2] ? -1 : 1;
		} else if (!m[1] && depth === 1) {
			start = m.index + m[0].length;
		} else if (m[1] && depth === 1 && start >= 0) {
			items.push(html.slice(start, m.index));
			start = -1;
		}
	}
	return items
		.map((item) => item.replace(/<(ul|ol)>[\s\S]*$/, '').replace(/<[^>]+>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e).replace(/\s+/g, ' ').trim())
		.filter(Boolean);
}

/** The parts of a section's HTML, one per ### heading (h3); what comes before the first is left out. */
export function parts(html: string): { heading: string; html: string }[] {
	return html
		.split(/(?=<h3[\s>])/)
		.filter((p) => p.startsWith('<h3'))
		.map((p) => ({ heading: (/<h3[^>]*>([\s\S]*?)<\/h3>/.exec(p)?.[1] ?? '').replace(/<[^>]+>/g, '').trim(), html: p }));
}

/**
 * The steps of a section: of its part the question asks for (`partAsked`: the choking steps
 * of first aid), all of them; else the section's first `max`.
 */
export function adviceFrom(guide: Guide, section: SectionId, max = 4, text = ''): Advice {
	const s = guide.sections[section];
	const asked = text ? partAsked(guide.slug, text) : null;
	const part = asked ? parts(s.html).find((p) => asked.some((h) => p.heading.includes(h))) : undefined;
	if (part) return { title: guide.title, heading: `${s.heading} · ${part.heading}`, steps: listItems(part.html), href: `/guides/${guide.slug}#${section}` };
	const all = listItems(s.html);
	// "我家住在河边": the later steps for where the resident is (在山区、河边、沟口) follow the first ones.
	const where = text ? found(text, words.where_words) : [];
	const placed = where.length ? all.slice(max).filter((step) => where.some((w) => contains(step.toLowerCase(), w))).slice(0, 2) : [];
	return { title: guide.title, heading: s.heading, steps: [...all.slice(0, max), ...placed], href: `/guides/${guide.slug}#${section}` };
}

/** Does the question ask for a part of the guide (choking, CPR, carbon monoxide)? `text` is normalized. */
export function asksPart(lang: Lang, slug: string, text: string): boolean {
	const asked = partAsked(slug, text);
	const guide = asked ? guideFor(lang, slug) : null;
	return Boolean(guide && parts(guide.sections.during.html).some((p) => asked!.some((h) => p.heading.includes(h))));
}

/** Is every advice step found, word for word, in some guide of the language? (for tests and the evaluation) */
export function adviceIsQuoted(step: string, guides: Guide[]): boolean {
	const squeeze = (s: string) => normalize(s).replace(/\s+/g, '');
	const needle = squeeze(step);
	return guides.some((g) => Object.values(g.sections).some((s) => squeeze(s.text).includes(needle)));
}
