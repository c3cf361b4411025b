/**
 * What a message means, from three readers: the emergency phrases (rules), danger-now
 * (people + threat + now), and the statistical model trained on the labelled corpus,
 * which reads the message's n-grams and the rules' cues (cues.ts) and learned from the
 * corpus how far to trust each. Rules keep the last word for emergencies: the model can
 * add a call box, never take one away. When the model is unsure between an emergency
 * and anything else, the call box leads and the question is answered after it: a false
 * call box costs a line, a miss costs a life. Shared by the server and the page's
 * offline answers, so both understand a message the same way.
 */
import type { EmergencyNumber } from '$lib/reports/emergency';
import { actFirst, ANY_NUMBER, byThreat, callKind, cryOnly, emergencyIn, medicalFirst, namedFirst, nobodyInIt, notNow, plain, unharmed, type Act, type Features, type Intent } from './classify';
import { dangerNow } from './danger';
import { predict, type ModelFile } from './model';

/**
 * The model's emergency probability from which the call box leads. Tuned on the dev split
 * (never the test split) for recall first: see docs/decisions.md.
 */
export const EMERGENCY_AT = 0.25;

export type Question = Exclude<Intent, 'emergency'>;

export type Understanding = {
	/** 'emergency' whenever the call box leads */
	intent: Intent;
	/** the numbers to call, most relevant first; empty when nothing is happening now */
	call: EmergencyNumber[];
	/** the question's own intent, answered after the call box when the emergency is the model's guess */
	then: Question | null;
	/** what to do before (or while) calling: leave the gas smell, protect yourself while it shakes, leave a forest fire early */
	act: Act | null;
	/** the guide whose steps follow the call box whatever was asked (a person in the water: reach or throw, don't jump in) */
	steps?: string | null;
};

/** `text` is normalized; `guide` is what the guides' retrieval found for it; `tuning` (another threshold or model) is for tuning on dev only. */
export function understand(raw: string, { guide }: Pick<Features, 'guide'>, tuning: { at?: number; model?: ModelFile } = {}): Understanding {
	const at = tuning.at ?? EMERGENCY_AT;
	// "气死我了" is not a death: hyperbole is taken out before any reader sees the message, and
	// a message that vents so is not called on the model's guess alone (the phrases still call).
	const text = plain(raw);
	const venting = text !== raw;
	// The kind of emergency (a person in the water, a burn, self-harm) says which numbers lead and which steps follow.
	const kind = callKind(text);
	const now = (call: EmergencyNumber[], then: Question | null): Understanding => ({
		intent: 'emergency',
		call: namedFirst(text, medicalFirst(text, kind ? [...new Set([...kind.call, ...call])] : call)),
		then,
		act: actFirst(text),
		steps: kind?.steps ?? null
	});
	const rules = emergencyIn(text);
	// "热死了 救命", "加班加到要死了 救命啊": a cry for help left alone after the venting is more venting.
	if (rules.length && !(venting && cryOnly(text))) return now(rules, null);
	const danger = dangerNow(text);
	if (danger.length) return now(danger, null);
	const model = predict(text, guide, tuning.model);
	let question: Question = 'unknown';
	let p = 0;
	for (const [intent, q] of Object.entries(model.probs)) if (intent !== 'emergency' && q > p) [question, p] = [intent as Question, q];
	// Nobody at risk, said so, or not now (an "if", long ago, a drill, straw burning): the model's guess alone calls no one.
	// Nor does it for a hazard with nobody in it (hail outside, a road blocked by rocks).
	const nobody = nobodyInIt(text);
	if (!venting && !unharmed(text) && !notNow(text) && !nobody && (model.probs.emergency ?? 0) >= at) return now(byThreat(text, kind?.call ?? ANY_NUMBER), question);
	// The model took it for an emergency that nobody is in: what is left of its guess is noise, the guide the hazard names is the answer ("外面下冰雹了": hail).
	if (nobody && guide?.by === 'topic' && (question === 'smalltalk' || question === 'unknown')) question = 'guide';
	// Venting with nothing else asked ("累死了今天") is small talk, not a message not understood.
	if (venting && question === 'unknown') question = 'smalltalk';
	return { intent: question, call: [], then: null, act: null };
}
