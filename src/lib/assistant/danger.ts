/**
 * Danger now, for the messages that name no emergency phrase: a child gone near the
 * river, a car under fallen rocks with people inside, a family upstairs of a burning
 * stairwell. Designed for recall: people + a threat + now, a threat with a cry for help
 * (快来, help), or one signal that says all
 * three (出不去, 喊不应, not a drill). "Nobody" takes the people away and "calm" words
 * (already out, burning straw) the threat; "if …", "what if"
 * take the danger away (the model and the emergency phrases still see the message).
 * The words are data: words.json, `danger`.
 */
import type { EmergencyNumber } from '$lib/reports/emergency';
import { longAgo } from './classify';
import { any } from './text';
import words from './words.json';

const NUMBERS = ['119', '110', '120'] as const;

/** The numbers the danger calls for, most relevant first; empty when none is told. `text` is normalized. */
export function dangerNow(text: string): EmergencyNumber[] {
	const d = words.danger;
	// People write "cant", "wont", "isnt": the lists are matched without apostrophes too.
	const bare = text.replace(/'/g, '');
	const has = (list: readonly string[]) => any(text, list) || any(bare, list);
	const signals = NUMBERS.filter((n) => has(d.signal[n]));
	const threats = NUMBERS.filter((n) => has(d.threat[n]));
	if (has(d.hypothetical) || longAgo(text)) return [];
	if (signals.length) return [...new Set([...signals, ...threats])];
	if (!threats.length || has(d.nobody) || has(d.calm)) return [];
	return (has(d.people) && has(d.now)) || has(d.hurry) ? threats : [];
}
