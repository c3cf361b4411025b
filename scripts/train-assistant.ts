/**
 * npm run train:assistant — trains the assistant's intent model on the labelled corpus
 * (scripts/assistant/train.ts) and writes src/lib/assistant/model.json. Run it after
 * changing the corpus, the features or the word lists; a test fails while the committed
 * model is stale. `--dev` also trains a model without the dev split and prints, for each
 * emergency threshold, the whole understanding's figures on dev (for tuning; never the test split). Loaded through Vite: the guides' retrieval is a cue.
 */
import fs from 'node:fs';
import { createServer } from 'vite';

const OUT = 'src/lib/assistant/model.json';
const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'error' });
try {
	const load = <T>(path: string) => vite.ssrLoadModule(path) as Promise<T>;
	const { readCorpus, readItems, train } = await load<typeof import('./assistant/train')>('/scripts/assistant/train.ts');
	const { matchGuide } = await load<typeof import('../src/lib/server/assistant/guides')>('/src/lib/server/assistant/guides.ts');
	const { normalize } = await load<typeof import('../src/lib/assistant/text')>('/src/lib/assistant/text.ts');
	const guideOf = (text: string, lang: string) => matchGuide(lang === 'en' ? 'en' : 'zh-CN', text);

	const items = readCorpus();
	const model = train(items, guideOf);
	fs.writeFileSync(OUT, JSON.stringify(model) + '\n');
	const size = fs.statSync(OUT).size;
	console.log(`${items.length} messages → ${model.features.split('\n').length} features, ${(size / 1024).toFixed(1)} KB: ${OUT}`);

	if (process.argv.includes('--dev')) {
		// Tuning: a model trained without dev, and the whole understanding (rules, danger-now,
		// model) on dev at each threshold. Never the test split.
		const devFile = process.argv.find((a) => a.endsWith('.yaml')) ?? 'eval/assistant/dev.yaml';
		const { understand, EMERGENCY_AT } = await load<typeof import('../src/lib/assistant/understand')>('/src/lib/assistant/understand.ts');
		const { TRAIN_FILES, SETTINGS } = await load<typeof import('./assistant/train')>('/scripts/assistant/train.ts');
		const dev = readItems(devFile);
		// Another file's messages may also be in the corpus (a block of train.yaml): they are left out by text.
		const devTexts = new Set(dev.map((i) => i.text));
		const rest = readCorpus(TRAIN_FILES.filter((f) => f !== devFile)).filter((i) => !devTexts.has(i.text));
		// TRY_SETTINGS='{"epochs":12}' tries other settings on dev without touching the shipped model.
		const tried = { ...SETTINGS, ...JSON.parse(process.env.TRY_SETTINGS ?? '{}') };
		const held = train(rest, guideOf, tried);
		const guides = dev.map((item) => guideOf(normalize(item.text), item.lang));
		const emergencies = dev.filter((i) => i.intent === 'emergency').length;
		console.log(`model trained on ${rest.length} messages without ${devFile}; ${dev.length} dev messages, ${emergencies} emergencies (shipped threshold ${EMERGENCY_AT})`);
		for (const at of [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6]) {
			let right = 0;
			let caught = 0;
			let falseCalls = 0;
			dev.forEach((item, i) => {
				const u = understand(normalize(item.text), { guide: guides[i]! }, { at, model: held });
				if (u.intent === item.intent) right++;
				if (item.intent === 'emergency' && u.intent === 'emergency') caught++;
				if (item.intent !== 'emergency' && u.intent === 'emergency') falseCalls++;
			});
			const others = dev.length - emergencies;
			if (at === EMERGENCY_AT && process.argv.includes('--verbose')) {
				dev.forEach((item, i) => {
					const u = understand(normalize(item.text), { guide: guides[i]! }, { at, model: held });
					if ((item.intent === 'emergency') !== (u.intent === 'emergency')) console.log(`  ${item.intent} → ${u.intent}: ${item.text}`);
				});
			}
			console.log(`at ${at.toFixed(2)}: intent ${((100 * right) / dev.length).toFixed(1)}%, emergency recall ${caught}/${emergencies} ${((100 * caught) / emergencies).toFixed(1)}%, false call box ${falseCalls}/${others} ${((100 * falseCalls) / others).toFixed(1)}%`);
		}
	}
} finally {
	await vite.close();
}
