/**
 * Guide search, the same on the server (`/guides?q=` without JavaScript) and in the
 * browser (offline, from the compact guide index the service worker keeps).
 *
 * Chinese has no spaces: `Intl.Segmenter` finds the words, and every Han word is also
 * indexed as its single characters and bigrams, so 地震 is found inside 破坏性地震
 * whichever way the segmenter's dictionary cuts it. English terms are lower-cased and
 * plurals folded (floods → flood, batteries → battery).
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import type { Lang } from '$lib/i18n';

export const SECTION_IDS = ['before', 'during', 'after'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

/** One guide in compact form: plain text, what search and the offline index need. */
export type GuideDoc = {
	slug: string;
	title: string;
	summary: string;
	/** hazard names in this language, so 暴雨 finds the flash-flood guide too */
	keywords: string;
	sections: Record<SectionId, string>;
};

/** Text cut into plain and highlighted runs (rendered as text and `<mark>`, never as HTML). */
export type Segment = { text: string; mark: boolean };

export type GuideHit = {
	slug: string;
	title: Segment[];
	summary: Segment[];
	/** where in the body the words were found, if they were */
	snippet: { section: SectionId; segments: Segment[] } | null;
};

const HAN = /\p{Script=Han}/u;
const MAX_QUERY = 100;
const segmenters = new Map<string, Intl.Segmenter>();

function words(text: string, lang: Lang): string[] {
	let segmenter = segmenters.get(lang);
	if (!segmenter) segmenters.set(lang, (segmenter = new Intl.Segmenter(lang, { granularity: 'word' })));
	const out: string[] = [];
	for (const part of segmenter.segment(text)) if (part.isWordLike) out.push(part.segment);
	return out;
}

/** Han characters and bigrams of a word (the word itself is already a term). */
function hanPieces(word: string, withSingles: boolean): string[] {
	const chars = [...word].filter((c) => HAN.test(c));
	if (chars.length < 2) return [];
	const out: string[] = withSingles ? [...chars] : [];
	for (let i = 0; i + 1 < chars.length; i++) out.push(chars.slice(i, i + 2).join(''));
	return out;
}

export function tokenizeForIndex(text: string, lang: Lang): string[] {
	return words(text, lang).flatMap((word) => (HAN.test(word) ? [word, ...hanPieces(word, true)] : [word]));
}

/** A query is not cut into single characters (too many false hits), unless it is one. */
export function tokenizeQuery(text: string, lang: Lang): string[] {
	const terms = words(text.slice(0, MAX_QUERY), lang).flatMap((word) =>
		HAN.test(word) && word.length > 2 ? [word, ...hanPieces(word, false)] : [word]
	);
	return [...new Set(terms)];
}

/** English plurals to their singular; everything lower case. Han terms pass unchanged. */
export function normalizeTerm(term: string): string {
	const t = term.toLowerCase();
	if (!/^[a-z]+$/.test(t) || t.length <= 3) return t;
	if (t.endsWith('ies') && t.length > 4) return t.slice(0, -3) + 'y';
	if (/(ss|x|ch|sh)es$/.test(t)) return t.slice(0, -2);
	if (t.endsWith('s') && !/(ss|us|is)$/.test(t)) return t.slice(0, -1);
	return t;
}

const LATIN = /^[a-z0-9]+$/;

export function createGuideIndex(docs: GuideDoc[], lang: Lang): MiniSearch<GuideDoc> {
	const index = new MiniSearch<GuideDoc>({
		idField: 'slug',
		fields: ['title', 'keywords', 'summary', ...SECTION_IDS],
		extractField: (doc, field) =>
			(SECTION_IDS as readonly string[]).includes(field) ? doc.sections[field as SectionId] : String(doc[field as keyof GuideDoc]),
		tokenize: (text) => tokenizeForIndex(text, lang),
		processTerm: normalizeTerm,
		searchOptions: {
			tokenize: (text) => tokenizeQuery(text, lang),
			processTerm: normalizeTerm,
			boost: { title: 5, keywords: 3, summary: 2, during: 1.5 },
			combineWith: 'OR',
			// Prefix and typo tolerance for Latin words only: a Han bigram has no prefix.
			prefix: (term) => LATIN.test(term) && term.length >= 3,
			fuzzy: (term) => (LATIN.test(term) && term.length >= 5 ? 0.2 : false)
		}
	});
	index.addAll(docs);
	return index;
}

/** Ranked hits for a query, with the matched words marked. */
export function searchGuides(index: MiniSearch<GuideDoc>, docs: GuideDoc[], query: string, lang: Lang): GuideHit[] {
	const q = query.trim().slice(0, MAX_QUERY);
	if (!q) return [];
	const bySlug = new Map(docs.map((d) => [d.slug, d]));
	return index.search(q).flatMap((result) => {
		const doc = bySlug.get(String(result.id));
		return doc ? [hit(doc, result, q, lang)] : [];
	});
}

function hit(doc: GuideDoc, result: SearchResult, query: string, lang: Lang): GuideHit {
	const terms = markTerms(query, result, lang);
	const fields = new Set(Object.values(result.match).flat());
	// The "during" section first: it is what someone searching in a hurry needs.
	const section = (['during', 'before', 'after'] as const).find((s) => fields.has(s) && ranges(doc.sections[s], terms, lang).length);
	return {
		slug: doc.slug,
		title: highlight(doc.title, terms, lang),
		summary: highlight(doc.summary, terms, lang),
		snippet: section ? { section, segments: excerpt(doc.sections[section], terms, lang) } : null
	};
}

type Terms = { han: string[]; latin: Set<string> };

function markTerms(query: string, result: SearchResult, lang: Lang): Terms {
	const all = [...tokenizeQuery(query, lang).map(normalizeTerm), ...result.terms];
	return {
		han: [...new Set(all.filter((t) => HAN.test(t)))].sort((a, b) => b.length - a.length),
		latin: new Set(all.filter((t) => !HAN.test(t)))
	};
}

/** [start, end) ranges of matched words in a text, merged and in order. */
function ranges(text: string, terms: Terms, lang: Lang): [number, number][] {
	const found: [number, number][] = [];
	for (const term of terms.han) {
		for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + term.length)) found.push([at, at + term.length]);
	}
	if (terms.latin.size) {
		let segmenter = segmenters.get(lang);
		if (!segmenter) segmenters.set(lang, (segmenter = new Intl.Segmenter(lang, { granularity: 'word' })));
		for (const part of segmenter.segment(text)) {
			if (!part.isWordLike || HAN.test(part.segment)) continue;
			const term = normalizeTerm(part.segment);
			if (terms.latin.has(term) || [...terms.latin].some((t) => t.length >= 3 && term.startsWith(t))) {
				found.push([part.index, part.index + part.segment.length]);
			}
		}
	}
	found.sort((a, b) => a[0] - b[0]);
	const merged: [number, number][] = [];
	for (const r of found) {
		const last = merged.at(-1);
		if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
		else merged.push([...r]);
	}
	return merged;
}

export function highlight(text: string, terms: Terms, lang: Lang, from = 0, to = text.length): Segment[] {
	const out: Segment[] = [];
	let at = from;
	for (const [start, end] of ranges(text, terms, lang)) {
		if (end <= from || start >= to) continue;
		if (start > at) out.push({ text: text.slice(at, start), mark: false });
		out.push({ text: text.slice(Math.max(start, at), Math.min(end, to)), mark: true });
		at = Math.min(end, to);
	}
	if (at < to) out.push({ text: text.slice(at, to), mark: false });
	return out;
}

/** About 120 characters around the first match, cut at spaces where the language has them. */
function excerpt(text: string, terms: Terms, lang: Lang): Segment[] {
	const first = ranges(text, terms, lang)[0];
	const width = lang === 'en' ? 160 : 70;
	if (!first || text.length <= width) return highlight(text, terms, lang);
	let start = Math.max(0, first[0] - Math.floor(width / 3));
	let end = Math.min(text.length, start + width);
	if (lang === 'en') {
		if (start > 0) start = text.indexOf(' ', start) + 1 || start;
		if (end < text.length) end = text.lastIndexOf(' ', end) > first[1] ? text.lastIndexOf(' ', end) : end;
	}
	const segments = highlight(text, terms, lang, start, end);
	if (start > 0) segments.unshift({ text: '… ', mark: false });
	if (end < text.length) segments.push({ text: ' …', mark: false });
	return segments;
}
