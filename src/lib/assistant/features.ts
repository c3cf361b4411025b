/**
 * What the statistical classifier sees of a message: character n-grams of the Chinese
 * (no spaces, so words are not given), whole words, word pairs and short prefixes of the
 * Latin text (a prefix survives a typo at a word's end: "evacuaton", "flodding"), and
 * the marks people use when it is urgent (!, ！, ？). Shared by the trainer and by the
 * model at answer time, on the server and on the device, so both read a message alike.
 */
import { normalize } from './text';

const HAN = /\p{Script=Han}/u;
const PREFIX = 5;

/** The feature names of a message, each once. */
export function featuresOf(raw: string): string[] {
	const text = normalize(raw);
	const out = new Set<string>();
	// Han runs: characters, pairs and triples within the run, with the run's edges.
	for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
		const chars = [...run];
		for (let i = 0; i < chars.length; i++) {
			out.add(chars[i]!);
			if (i + 1 < chars.length) out.add(chars[i]! + chars[i + 1]!);
			if (i + 2 < chars.length) out.add(chars[i]! + chars[i + 1]! + chars[i + 2]!);
		}
		if (chars.length > 1) {
			out.add('^' + chars[0]!);
			out.add(chars[chars.length - 1]! + '$');
		}
	}
	// Latin and digit words (apostrophes kept: can't, don't).
	const latin = text.match(/[a-z0-9']+/g) ?? [];
	for (let i = 0; i < latin.length; i++) {
		const w = latin[i]!;
		out.add('w:' + w);
		if (w.length > PREFIX) out.add('p:' + w.slice(0, PREFIX));
		const padded = ` ${w} `;
		if (w.length > 3) for (let j = 0; j + 4 <= padded.length; j++) out.add('c:' + padded.slice(j, j + 4));
		if (i + 1 < latin.length) out.add('b:' + w + ' ' + latin[i + 1]!);
	}
	if (/[!！]/.test(text)) out.add('!');
	if (/[?？]/.test(text)) out.add('?');
	if (HAN.test(text) && latin.length) out.add('mixed');
	return [...out];
}
