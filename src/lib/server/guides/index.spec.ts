import { describe, expect, it } from 'vitest';
import { HAZARD_CODES } from '$lib/hazards';
import { LANGS } from '$lib/i18n';
import { duringSection, guideDocs, guideFor, listGuides, loadGuides, searchGuideLibrary } from './index';

describe('the guides in content/', () => {
	const all = loadGuides();

	it.each(LANGS)('every hazard type has its guide in %s', (lang) => {
		const slugs = all[lang].map((g) => g.slug);
		const missing = HAZARD_CODES.filter((code) => !slugs.includes(code));
		expect(missing, `content/${lang}/guides/<hazard>.md missing`).toEqual([]);
		for (const code of HAZARD_CODES) expect(guideFor(lang, code)?.hazards, code).toContain(code);
	});

	it('the district’s own risks have guides too', () => {
		for (const slug of ['gas_safety', 'hazmat', 'building_fire', 'ebike_fire', 'drowning', 'hiking', 'first_aid', 'fever', 'snakes', 'power_cut']) {
			for (const lang of LANGS) expect(guideFor(lang, slug), `${lang}/${slug}`).not.toBeNull();
		}
	});

	it('both languages have the same guides, hazards, audience, order and links', () => {
		const shape = (lang: (typeof LANGS)[number]) =>
			all[lang].map((g) => ({ slug: g.slug, hazards: g.hazards, audience: g.audience, order: g.order, reviewed: g.reviewed, links: g.links }));
		expect(shape('en')).toEqual(shape('zh-CN'));
	});

	it('both languages cite the same sources, in the same order', () => {
		const cited = (lang: (typeof LANGS)[number]) => all[lang].map((g) => ({ slug: g.slug, count: g.sources.length, urls: g.sources.map((s) => s.url ?? null) }));
		expect(cited('en')).toEqual(cited('zh-CN'));
	});

	it('links between guides lead to guides that exist', () => {
		const known = new Set(all['zh-CN'].map((g) => `/guides/${g.slug}`));
		const pages = ['/numbers', '/prepare', '/shelters', '/warnings', '/report'];
		for (const lang of LANGS) {
			for (const guide of all[lang]) {
				for (const link of guide.links) {
					const path = link.split('#')[0] ?? '';
					expect(known.has(path) || pages.includes(path), `${lang}/${guide.slug} links to ${link}`).toBe(true);
				}
			}
		}
	});

	it('keeps summaries short enough to read on a phone and sections in the UI’s words', () => {
		for (const lang of LANGS) {
			for (const guide of listGuides(lang)) {
				expect(guide.summary.length, guide.slug).toBeLessThanOrEqual(200);
				expect(guide.sections.during.html, guide.slug).not.toContain('<h2');
			}
		}
		expect(guideFor('zh-CN', 'earthquake')?.sections.during.heading).toBe('事发时');
		expect(guideFor('en', 'earthquake')?.sections.during.heading).toBe('During');
	});
});

describe('duringSection: “what to do now” for a warning page', () => {
	it.each(LANGS)('gives every hazard its guide’s “during” section in %s', (lang) => {
		for (const code of HAZARD_CODES) {
			const during = duringSection(lang, code);
			expect(during, code).not.toBeNull();
			expect(during!.href).toBe(`/guides/${code}`);
			expect(during!.sectionHref).toBe(`/guides/${code}#during`);
			expect(during!.html).toMatch(/^<(ol|ul|p)>/);
			expect(during!.html).toBe(guideFor(lang, code)!.sections.during.html);
		}
	});

	it('speaks the language asked for', () => {
		expect(duringSection('zh-CN', 'earthquake')).toMatchObject({ title: '地震', heading: '事发时' });
		expect(duringSection('en', 'earthquake')).toMatchObject({ title: 'Earthquake', heading: 'During' });
		expect(duringSection('en', 'earthquake')!.html).toContain('Drop to the floor');
	});
});

describe('search over the real guides', () => {
	it('finds the earthquake guide first for 地震 and for “earthquakes”', () => {
		expect(searchGuideLibrary('zh-CN', '地震')[0]?.slug).toBe('earthquake');
		expect(searchGuideLibrary('en', 'earthquakes')[0]?.slug).toBe('earthquake');
	});

	it('finds CPR in first aid in both languages', () => {
		expect(searchGuideLibrary('zh-CN', '心肺复苏').map((h) => h.slug)).toContain('first_aid');
		expect(searchGuideLibrary('en', 'CPR')[0]?.slug).toBe('first_aid');
	});

	it('finds fever, snakebite and power cut advice in both languages', () => {
		expect(searchGuideLibrary('zh-CN', '发烧')[0]?.slug).toBe('fever');
		expect(searchGuideLibrary('en', 'fever')[0]?.slug).toBe('fever');
		expect(searchGuideLibrary('zh-CN', '被蛇咬了').map((h) => h.slug)).toContain('snakes');
		expect(searchGuideLibrary('en', 'snakebite').map((h) => h.slug)).toContain('snakes');
		expect(searchGuideLibrary('zh-CN', '马蜂').map((h) => h.slug)).toContain('snakes');
		expect(searchGuideLibrary('en', 'rabies').map((h) => h.slug)).toContain('snakes');
		expect(searchGuideLibrary('zh-CN', '停电')[0]?.slug).toBe('power_cut');
		expect(searchGuideLibrary('en', 'power cut')[0]?.slug).toBe('power_cut');
	});

	it('says in both languages that the Miyun Reservoir is closed to swimming, fishing and the ice', () => {
		const before = (lang: (typeof LANGS)[number]) => guideFor(lang, 'drowning')!.sections.before.text;
		expect(before('zh-CN')).toMatch(/密云水库禁止游泳、钓鱼，冬天禁止上冰面/);
		expect(before('zh-CN')).toContain('一级水源保护区');
		expect(before('en')).toMatch(/Swimming and fishing in the Miyun Reservoir, and going onto its ice in winter, are banned/);
		expect(before('en')).toContain('first-level water-source protection zone');
	});

	it('the compact index holds every guide as plain text', () => {
		for (const lang of LANGS) {
			const docs = guideDocs(lang);
			expect(docs.map((d) => d.slug)).toEqual(listGuides(lang).map((g) => g.slug));
			expect(JSON.stringify(docs)).not.toMatch(/<(ol|li|strong)>/);
		}
	});
});
