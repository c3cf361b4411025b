/**
 * npm run train:assistant — trains the assistant's intent model on the labelled corpus
 * (scripts/assistant/train.ts) and writes src/lib/assistant/model.json. Run it after
 * changing the corpus or the features; a test fails while the committed model is stale.
 * `--dev` also prints the bare model's accuracy on the dev split (for tuning; never test).
 */
import fs from 'node:fs';
import { predict } from '../src/lib/assistant/model';
import { readCorpus, readItems, train } from './assistant/train';

const OUT = 'src/lib/assistant/model.json';
const items = readCorpus();
const model = train(items);
fs.writeFileSync(OUT, JSON.stringify(model) + '\n');
const size = fs.statSync(OUT).size;
console.log(`${items.length} messages → ${model.features.split('\n').length} features, ${(size / 1024).toFixed(1)} KB: ${OUT}`);

if (process.argv.includes('--dev')) {
	const dev = readItems(process.argv.find((a) => a.endsWith('.yaml')) ?? 'eval/assistant/dev.yaml');
	let right = 0;
	let emergencies = 0;
	let caught = 0;
	for (const item of dev) {
		const p = predict(item.text, model);
		if (p.intent === item.intent) right++;
		if (item.intent === 'emergency') {
			emergencies++;
			if (p.intent === 'emergency') caught++;
		}
	}
	console.log(`bare model on ${dev.length} dev messages: ${((100 * right) / dev.length).toFixed(1)}% intent, emergencies ${caught}/${emergencies}`);
}
