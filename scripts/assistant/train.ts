/**
 * Training of the intent model (src/lib/assistant/model.ts): multinomial logistic
 * regression on the features of features.ts, by AdaGrad with L2, in a fixed order (a
 * seeded shuffle), so the same corpus always gives the same weights. Emergencies weigh
 * more in the loss: a missed one costs more than a false call box. Features seen in
 * fewer than MIN_COUNT messages are not kept, and after training the ones whose weights
 * are all near zero are pruned before the weights are quantised to int8.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parse } from 'yaml';
import { inputsOf, softmax, type ModelFile } from '../../src/lib/assistant/model';
import { INTENTS, type Features } from '../../src/lib/assistant/classify';
import { normalize } from '../../src/lib/assistant/text';

export type Labelled = { text: string; lang: string; intent: string };

/** The guide the retrieval finds for a message (the server's matchGuide): a cue the model reads. */
export type GuideOf = (text: string, lang: string) => Features['guide'];

export const SETTINGS = { epochs: 6, rate: 0.5, l2: 1e-4, minCount: 3, prune: 0.3, emergencyWeight: 1, seed: 20261203 };

/**
 * The training corpus: the train and dev splits of the fresh corpus (the settings and the
 * threshold were tuned with a model trained on train alone, scored on dev) and the first
 * evaluation set. Never the test split.
 */
export const TRAIN_FILES = ['eval/assistant/train.yaml', 'eval/assistant/dev.yaml', 'eval/assistant/messages.yaml'];

export function readItems(file: string): Labelled[] {
	const items = parse(fs.readFileSync(file, 'utf8')) as Labelled[];
	return items.filter((i) => i && typeof i.text === 'string' && typeof i.intent === 'string');
}

export function readCorpus(files = TRAIN_FILES): Labelled[] {
	return files.filter((f) => fs.existsSync(f)).flatMap(readItems);
}

export function corpusHash(items: Labelled[], settings = SETTINGS): string {
	const h = createHash('sha256');
	h.update(JSON.stringify(settings));
	for (const i of items) h.update(`${i.intent}\t${i.text}\n`);
	return h.digest('hex');
}

function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function train(items: Labelled[], guideOf: GuideOf, settings = SETTINGS): ModelFile {
	const intents = [...INTENTS] as string[];
	const k = intents.length;
	for (const i of items) if (!intents.includes(i.intent)) throw new Error(`unknown intent "${i.intent}" in: ${i.text}`);
	const feats = items.map((i) => inputsOf(i.text, guideOf(normalize(i.text), i.lang)));
	const counts = new Map<string, number>();
	for (const fs of feats) for (const f of fs) counts.set(f, (counts.get(f) ?? 0) + 1);
	const vocab = [...counts].filter(([, n]) => n >= settings.minCount).map(([f]) => f).sort();
	const index = new Map(vocab.map((f, i) => [f, i] as const));
	const rows = feats.map((fs) => fs.map((f) => index.get(f)).filter((r): r is number => r !== undefined));
	const labels = items.map((i) => intents.indexOf(i.intent));

	const W = new Float64Array(vocab.length * k);
	const G = new Float64Array(vocab.length * k).fill(1e-8);
	const b = new Float64Array(k);
	const gb = new Float64Array(k).fill(1e-8);
	const random = mulberry32(settings.seed);
	const order = items.map((_, i) => i);
	for (let epoch = 0; epoch < settings.epochs; epoch++) {
		for (let i = order.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[order[i], order[j]] = [order[j]!, order[i]!];
		}
		for (const n of order) {
			const row = rows[n]!;
			const z = Array.from(b);
			for (const r of row) for (let c = 0; c < k; c++) z[c]! += W[r * k + c]!;
			const p = softmax(z);
			const weight = labels[n] === 0 ? settings.emergencyWeight : 1;
			for (let c = 0; c < k; c++) {
				const g = weight * (p[c]! - (c === labels[n] ? 1 : 0));
				gb[c]! += g * g;
				b[c]! -= (settings.rate * g) / Math.sqrt(gb[c]!);
				for (const r of row) {
					const at = r * k + c;
					const gw = g + settings.l2 * W[at]!;
					G[at]! += gw * gw;
					W[at]! -= (settings.rate * gw) / Math.sqrt(G[at]!);
				}
			}
		}
	}
	const kept = vocab.map((_, r) => r).filter((r) => intents.some((_, c) => Math.abs(W[r * k + c]!) >= settings.prune));
	let max = 0;
	for (const r of kept) for (let c = 0; c < k; c++) max = Math.max(max, Math.abs(W[r * k + c]!));
	const scale = Number((max / 127).toPrecision(6));
	const bytes = new Int8Array(kept.length * k);
	kept.forEach((r, i) => {
		for (let c = 0; c < k; c++) bytes[i * k + c] = Math.max(-127, Math.min(127, Math.round(W[r * k + c]! / scale)));
	});
	return {
		corpus: corpusHash(items, settings),
		intents,
		features: kept.map((r) => vocab[r]).join('\n'),
		scale,
		bias: Array.from(b, (v) => Number(v.toFixed(4))),
		weights: Buffer.from(bytes.buffer).toString('base64')
	};
}
