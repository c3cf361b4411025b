/**
 * npm run train:assistant — trains the assistant's intent model on the labelled corpus
 * (scripts/assistant/train.ts) and writes src/lib/assistant/model.json. Run it after
 * changing the corpus, the features or the word lists; a test fails while the committed
 * model is stale. `--dev` also prints the bare model's accuracy on the dev split (for
 * tuning; never the test split). Loaded through Vite: the guides' retrieval is a cue.
 */
import fs from 'node:fs';
import { createServer } from 'vite';

const OUT = 'src/lib/assistant/model.json';
const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'error' });
try {
	const load = <T>(path: string) => vite.ssrLoadModule(path) as Promise<T>;
	const { readCorpus, readItems, train } = await load<typeof import('./assistant/train')>('/scripts/assistant/train.ts');
	const { predict } = await load<typeof import('../src/lib/assistant/model')>('/src/lib/assistant/model.ts');
	const { matchGuide } = await load<typeof import('../src/lib/server/assistant/guides')>('/src/lib/server/assistant/guides.ts');
	const { normalize } = await load<typeof import('../src/lib/assistant/text')>('/src/lib/assistant/text.ts');
	const guideOf = (text: string, lang: string) => matchGuide(lang === 'en' ? 'en' : 'zh-CN', text);

	const items = readCorpus();
	const model = train(items, guideOf);
	fs.writeFileSync(OUT, JSON.stringify(model) + '\n');
	const size = fs.statSync(OUT).size;
	console.log(`${items.length} messages → ${model.features.split('\n').length} features, ${(size / 1024).toFixed(1)} KB: ${OUT}`);

	if (process.argv.includes('--dev')) {
		const dev = readItems(process.argv.find((a) => a.endsWith('.yaml')) ?? 'eval/assistant/dev.yaml');
		let right = 0;
		let emergencies = 0;
		let caught = 0;
		for (const item of dev) {
			const p = predict(item.text, guideOf(normalize(item.text), item.lang), model);
			if (p.intent === item.intent) right++;
			if (item.intent === 'emergency') {
				emergencies++;
				if (p.intent === 'emergency') caught++;
			}
		}
		console.log(`bare model on ${dev.length} dev messages: ${((100 * right) / dev.length).toFixed(1)}% intent, emergencies ${caught}/${emergencies}`);
	}
} finally {
	await vite.close();
}
