/**
 * What a message means, from three readers: the emergency phrases (rules), danger-now
 * (people + threat + now), and the statistical model trained on the labelled corpus.
 * Rules keep the last word for emergencies: the model can add a call box, never take one
 * away. When the model is unsure between an emergency and anything else, the call box
 * leads and the question is answered after it: a false call box costs a line, a miss
 * costs a life. Otherwise the rules' intent stands unless the model is confident of
 * another, or the rules found nothing. Shared by the server and the page's offline
 * answers, so both understand a message the same way.
 */
import type { EmergencyNumber } from '$lib/reports/emergency';
import { classify, emergencyIn, type Features, type Intent } from './classify';
import { dangerNow } from './danger';
import { predict } from './model';

/** Tuned on the dev split (never the test split): see docs/decisions.md. */
export const THRESHOLDS = {
	/** the model's emergency probability from which the call box leads */
	emergency: 0.3,
	/** the model's probability of another intent from which it overrides the rules */
	override: 0.7,
	/** … and when the rules found nothing (unknown) */
	unknown: 0.4
};

/** Something may be happening, nobody said what: the general numbers. */
const ANY_NUMBER: EmergencyNumber[] = ['110', '120', '119'];

export type Understanding = {
	/** 'emergency' whenever the call box leads */
	intent: Intent;
	/** the numbers to call, most relevant first; empty when nothing is happening now */
	call: EmergencyNumber[];
	/** the question's own intent, answered after the call box when the emergency is the model's guess */
	then: Exclude<Intent, 'emergency'> | null;
};

export function understand(text: string, f: Omit<Features, 'emergency'>): Understanding {
	const rules = emergencyIn(text);
	if (rules.length) return { intent: 'emergency', call: rules, then: null };
	const danger = dangerNow(text);
	if (danger.length) return { intent: 'emergency', call: danger, then: null };
	const model = predict(text);
	const ruled = classify(text, { ...f, emergency: [] }) as Exclude<Intent, 'emergency'>;
	let other: Exclude<Intent, 'emergency'> = 'unknown';
	let p = 0;
	// The model may name any intent but a guide the retrieval did not find (there is nothing to quote).
	for (const [intent, q] of Object.entries(model.probs)) if (intent !== 'emergency' && (intent !== 'guide' || f.guide) && q > p) [other, p] = [intent as Exclude<Intent, 'emergency'>, q];
	const threshold = ruled === 'unknown' ? THRESHOLDS.unknown : THRESHOLDS.override;
	const intent = other !== ruled && p >= threshold ? other : ruled;
	if ((model.probs.emergency ?? 0) >= THRESHOLDS.emergency) return { intent: 'emergency', call: ANY_NUMBER, then: intent };
	return { intent, call: [], then: null };
}
