import { describe, expect, it } from 'vitest';
import { createGuideIndex, normalizeTerm, searchGuides, tokenizeForIndex, type GuideDoc, type Segment } from './search';

const doc = (slug: string, title: string, during: string, extra: Partial<GuideDoc> = {}): GuideDoc => ({
	slug,
	title,
	summary: '',
	keywords: '',
	sections: { before: '', during, after: '' },
	...extra
});

const marked = (segments: Segment[]) => segments.filter((s) => s.mark).map((s) => s.text);

describe('Chinese search', () => {
	const docs = [
		doc('quake', '防震减灾', '发生破坏性地震时，就近躲避。'),
		doc('fire', '森林防火', '进山不带火种。'),
		doc('glued', '须知', '破坏性地震灾害后检查房屋。')
	];
	const index = createGuideIndex(docs, 'zh-CN');

	it('finds 地震 inside 破坏性地震 and marks it', () => {
		const hits = searchGuides(index, docs, '地震', 'zh-CN');
		expect(hits.map((h) => h.slug).sort()).toEqual(['glued', 'quake']);
		expect(marked(hits[0]!.snippet!.segments)).toEqual(['地震']);
		expect(hits[0]!.snippet!.section).toBe('during');
	});

	it('indexes Han words also as single characters and bigrams, whatever the segmenter does', () => {
		const terms = tokenizeForIndex('破坏性地震', 'zh-CN');
		expect(terms).toContain('地震');
		expect(terms).toContain('震');
	});

	it('finds nothing for words that are not there', () => {
		expect(searchGuides(index, docs, '台风', 'zh-CN')).toEqual([]);
		expect(searchGuides(index, docs, '   ', 'zh-CN')).toEqual([]);
	});

	it('ranks a title match above a body match', () => {
		const docs2 = [doc('a', '须知', '注意森林防火。'), doc('b', '森林防火', '进山不带火种。')];
		expect(searchGuides(createGuideIndex(docs2, 'zh-CN'), docs2, '防火', 'zh-CN')[0]?.slug).toBe('b');
	});
});

describe('English search', () => {
	const docs = [
		doc('ebike', 'E-bike charging', 'If the battery smokes, get out.'),
		doc('flood', 'Floods', 'Move to higher ground. Never drive into flood water.'),
		doc('kit', 'Emergency kit', 'Pack spare batteries and a torch.', { summary: 'Supplies for three days.' })
	];
	const index = createGuideIndex(docs, 'en');

	it('folds plurals: batteries finds battery and battery finds batteries', () => {
		expect(searchGuides(index, docs, 'batteries', 'en').map((h) => h.slug).sort()).toEqual(['ebike', 'kit']);
		expect(searchGuides(index, docs, 'battery', 'en').map((h) => h.slug).sort()).toEqual(['ebike', 'kit']);
		expect(searchGuides(index, docs, 'flood', 'en')[0]?.slug).toBe('flood');
		expect(marked(searchGuides(index, docs, 'flood', 'en')[0]!.title)).toEqual(['Floods']);
	});

	it('marks the words found, keeping their case', () => {
		const hit = searchGuides(index, docs, 'BATTERIES', 'en').find((h) => h.slug === 'ebike')!;
		expect(marked(hit.snippet!.segments)).toEqual(['battery']);
		expect(hit.snippet!.segments.map((s) => s.text).join('')).toBe('If the battery smokes, get out.');
	});

	it('normalises terms', () => {
		expect(['floods', 'batteries', 'boxes', 'glass', 'bus', 'gas', 'CPR'].map(normalizeTerm)).toEqual(['flood', 'battery', 'box', 'glass', 'bus', 'gas', 'cpr']);
	});
});
