/**
 * The knowledge base: every guide in content/<lang>/guides/<slug>.md, parsed and
 * rendered once per process (the files are bundled into the build, so nothing is read
 * from disk at run time). Other features use `duringSection` and `guideFor`.
 */
import { LANGS, type Lang } from '$lib/i18n';
import type { HazardCode } from '$lib/hazards';
import { createGuideIndex, searchGuides, SECTION_IDS, type GuideDoc, type GuideHit } from '$lib/guides/search';
import { messagesFor } from '$lib/server/i18n';
import { parseGuide, type Guide, type Headings } from './parse';

export type { Guide, GuideSection, Source, Audience } from './parse';
export { GuideError, parseGuide } from './parse';

const FILES = import.meta.glob<string>('/content/*/guides/*.md', { query: '?raw', import: 'default', eager: true });

/** The headings each language's guides must use: the UI's own section names. */
export function headingsFor(lang: Lang): Headings {
	const words = messagesFor(lang).guides as Record<string, string>;
	return Object.fromEntries(SECTION_IDS.map((id) => [id, words[`section_${id}`]])) as Headings;
}

/** All guides of each language, sorted by `order`; throws on the first invalid file. */
export function loadGuides(files: Record<string, string> = FILES): Record<Lang, Guide[]> {
	const out = Object.fromEntries(LANGS.map((lang) => [lang, [] as Guide[]])) as Record<Lang, Guide[]>;
	for (const [path, source] of Object.entries(files)) {
		const lang = LANGS.find((l) => path.includes(`/content/${l}/guides/`));
		if (!lang) throw new Error(`${path}: not under content/<${LANGS.join('|')}>/guides/`);
		out[lang].push(parseGuide(path.replace(/^\//, ''), source, headingsFor(lang)));
	}
	for (const lang of LANGS) out[lang].sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
	return out;
}

type Library = { guides: Record<Lang, Guide[]>; docs: Record<Lang, GuideDoc[]>; index: Partial<Record<Lang, ReturnType<typeof createGuideIndex>>> };
let library: Library | undefined;

function lib(): Library {
	if (!library) {
		const guides = loadGuides();
		const docs = Object.fromEntries(LANGS.map((lang) => [lang, guides[lang].map((g) => toDoc(lang, g))])) as Record<Lang, GuideDoc[]>;
		library = { guides, docs, index: {} };
	}
	return library;
}

function toDoc(lang: Lang, guide: Guide): GuideDoc {
	const names = messagesFor(lang).hazards as Record<string, string>;
	return {
		slug: guide.slug,
		title: guide.title,
		summary: guide.summary,
		keywords: guide.hazards.map((h) => names[h]).join(' '),
		sections: { before: guide.sections.before.text, during: guide.sections.during.text, after: guide.sections.after.text }
	};
}

export function listGuides(lang: Lang): Guide[] {
	return lib().guides[lang];
}

export function guideFor(lang: Lang, slug: string): Guide | null {
	return lib().guides[lang].find((g) => g.slug === slug) ?? null;
}

/** The compact form of all guides (plain text): the offline search index the browser keeps. */
export function guideDocs(lang: Lang): GuideDoc[] {
	return lib().docs[lang];
}

export function searchGuideLibrary(lang: Lang, query: string): GuideHit[] {
	const l = lib();
	const index = (l.index[lang] ??= createGuideIndex(l.docs[lang], lang));
	return searchGuides(index, l.docs[lang], query, lang);
}

/** The guide for a hazard: the one named after it, else the first that lists it. */
export function guideForHazard(lang: Lang, hazard: HazardCode): Guide | null {
	return guideFor(lang, hazard) ?? listGuides(lang).find((g) => g.hazards.includes(hazard)) ?? null;
}

export type DuringSection = {
	/** the guide's title, e.g. "Earthquake" */
	title: string;
	/** the section's own heading ("During" / "事发时") */
	heading: string;
	/** rendered HTML of the section body (from Markdown with raw HTML disabled: safe for {@html}) */
	html: string;
	/** the whole guide */
	href: string;
	/** straight to the section */
	sectionHref: string;
};

/**
 * "What to do now" for a warning page: the "during" section of the hazard's guide.
 * Null only if a hazard had no guide, which a test forbids.
 */
export function duringSection(lang: Lang, hazard: HazardCode): DuringSection | null {
	const guide = guideForHazard(lang, hazard);
	if (!guide) return null;
	const href = `/guides/${guide.slug}`;
	return { title: guide.title, heading: guide.sections.during.heading, html: guide.sections.during.html, href, sectionHref: `${href}#during` };
}
