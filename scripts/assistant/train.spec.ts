/** The committed model is the one the corpus trains: it cannot go stale behind a corpus edit. */
import { describe, expect, it } from 'vitest';
import committed from '../../src/lib/assistant/model.json';
import type { ModelFile } from '../../src/lib/assistant/model';
import { matchGuide } from '../../src/lib/server/assistant/guides';
import { corpusHash, readCorpus, train, type GuideOf } from './train';

const guideOf: GuideOf = (text, lang) => matchGuide(lang === 'en' ? 'en' : 'zh-CN', text);

describe('the assistant model', () => {
	const items = readCorpus();

	it('was trained on the corpus as it is now (else: npm run train:assistant)', () => {
		expect(items.length).toBeGreaterThan(300);
		expect((committed as ModelFile).corpus).toBe(corpusHash(items));
	});

	it('is what training gives, weight for weight', () => {
		const fresh = train(items, guideOf);
		const model = committed as ModelFile;
		expect(fresh.features).toBe(model.features);
		expect(fresh.intents).toEqual(model.intents);
		// Quantised weights: allow a rounding step where another Node's Math.exp differs in the last bit.
		const a = Buffer.from(fresh.weights, 'base64');
		const b = Buffer.from(model.weights, 'base64');
		expect(a.length).toBe(b.length);
		const off = a.reduce((n, v, i) => n + (Math.abs(((v << 24) >> 24) - ((b[i]! << 24) >> 24)) > 1 ? 1 : 0), 0);
		expect(off).toBe(0);
		// Training 3,900 messages takes ~5 s alone, but over a minute beside the other assistant suites on a loaded machine.
	}, 240_000);

	it('refuses a corpus with an intent it does not know', () => {
		expect(() => train([{ text: 'x', lang: 'en', intent: 'weather' }], guideOf)).toThrow(/unknown intent "weather"/);
	});
});
