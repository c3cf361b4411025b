/**
 * The statistical intent classifier: multinomial logistic regression over the n-grams of
 * features.ts and the rules' cues of cues.ts, trained at build time on the labelled corpus (`npm run train:assistant`,
 * scripts/assistant/train.ts) and kept as model.json: the feature list and int8 weights
 * (base64), so the same few tens of KB answer on the server and on the device offline.
 */
import { cuesOf } from './cues';
import { plain, type Features } from './classify';
import { featuresOf } from './features';
import model from './model.json';
import { normalize } from './text';

export type ModelFile = {
	/** sha256 of the training corpus and the trainer's settings: a test retrains when it changes */
	corpus: string;
	intents: string[];
	/** feature names, one per line, in the order of the weight rows */
	features: string;
	/** weight = int8 × scale */
	scale: number;
	bias: number[];
	/** base64 of int8 rows, one value per intent */
	weights: string;
};

export type Prediction = { intent: string; p: number; probs: Record<string, number> };

type Loaded = { intents: string[]; index: Map<string, number>; weights: Int8Array; scale: number; bias: number[] };

function decode(file: ModelFile): Loaded {
	const bytes = atob(file.weights);
	const weights = new Int8Array(bytes.length);
	for (let i = 0; i < bytes.length; i++) weights[i] = (bytes.charCodeAt(i) << 24) >> 24;
	const index = new Map(file.features.split('\n').map((f, i) => [f, i] as const));
	return { intents: file.intents, index, weights, scale: file.scale, bias: file.bias };
}

let loaded: Loaded | null = null;

/**
 * Answer with another model from now on (null: the committed one again). For evaluation
 * only: `npm run eval:assistant -- --split dev` scores dev with a model trained without it.
 */
export function useModel(file: ModelFile | null): void {
	loaded = file ? decode(file) : null;
}

export function softmax(z: number[]): number[] {
	const max = Math.max(...z);
	const e = z.map((v) => Math.exp(v - max));
	const sum = e.reduce((a, b) => a + b, 0);
	return e.map((v) => v / sum);
}

/** Everything the model reads of a message: its n-grams and the rules' cues. */
export function inputsOf(text: string, guide: Features['guide']): string[] {
	const whole = normalize(text);
	const n = plain(whole);
	// The hyperbole itself is read as one cue: venting is small talk more often than not.
	return [...featuresOf(n), ...cuesOf(n, guide), ...(n === whole ? [] : ['C:hyperbole'])];
}

/** The intent the model gives a message, with its probability and every intent's. */
export function predict(text: string, guide: Features['guide'], file?: ModelFile): Prediction {
	const m = file ? decode(file) : (loaded ??= decode(model as ModelFile));
	const k = m.intents.length;
	const z = m.bias.slice();
	for (const f of inputsOf(text, guide)) {
		const row = m.index.get(f);
		if (row === undefined) continue;
		for (let c = 0; c < k; c++) z[c]! += m.weights[row * k + c]! * m.scale;
	}
	const p = softmax(z);
	let best = 0;
	for (let c = 1; c < k; c++) if (p[c]! > p[best]!) best = c;
	return { intent: m.intents[best]!, p: p[best]!, probs: Object.fromEntries(m.intents.map((intent, c) => [intent, p[c]!])) };
}
