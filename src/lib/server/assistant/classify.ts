/**
 * The intent of a message, by rules over words.json and what was recognised in it.
 * Emergencies first, always; then what the resident asks for by name; a guide only
 * when one clearly matches; else small talk, else "unknown".
 */
import type { EmergencyNumber } from '$lib/reports/emergency';
import type { GuideMatch } from './guides';
import type { KnownPlace } from './places';
import { any, found, isOnly } from './text';
import type { Intent } from './types';
import words from './words.json';

/**
 * The numbers to call now, most relevant first; empty when nothing is happening now.
 * "If …" and "… or …?" are questions about a guide, not an emergency; "trapped" with
 * "what do I do" is still a question, but smoke, gas or a person in the water never is.
 */
export function emergencyIn(text: string): EmergencyNumber[] {
	if (isOnly(text, words.urgent_alone)) return ['110', '120', '119'];
	if (any(text, words.hypothetical)) return [];
	const hits = (['119', '110', '120'] as const).map((n) => [n, found(text, words.emergency[n])] as const);
	const weakOnly = hits.every(([, list]) => list.every((w) => words.emergency_weak.includes(w)));
	if (weakOnly && any(text, words.guide_cues)) return [];
	const out: EmergencyNumber[] = hits.filter(([, list]) => list.length).map(([n]) => n);
	if (!out.length && any(text, words.urgent)) return ['110', '120', '119'];
	return out;
}

/** Does the message ask something (as opposed to telling about a problem)? */
export function isQuestion(text: string): boolean {
	let t = text;
	for (const w of words.not_question) t = t.split(w).join(' ');
	return any(t, words.question);
}

export type Features = {
	emergency: EmergencyNumber[];
	place: KnownPlace | null;
	guide: GuideMatch | null;
	/** the report category the words suggest ('' for none) */
	category: string;
	hazard: string | null;
};

export function classify(text: string, f: Features): Intent {
	if (f.emergency.length) return 'emergency';
	if (any(text, words.report)) return 'report';
	const howTo = any(text, words.guide_cues);
	const question = isQuestion(text);
	const scenicPlace = f.place?.kind === 'scenic';
	const placed = Boolean(f.place) && !scenicPlace;
	if (!any(text, words.not_shelter)) {
		if (any(text, words.shelter)) return 'shelter';
		// "where do we go" is a shelter question when a place is named, else the guide's "run uphill".
		if (any(text, words.shelter_weak) && (placed || !f.guide)) return 'shelter';
	}
	const opening = any(text, words.opening);
	const warningWords = any(text, words.warnings) && !any(text, words.not_warnings);
	if (scenicPlace && (opening || warningWords)) return 'scenic';
	if (warningWords) return 'warnings';
	// "Did the reservoir release water just now?" asks for the live state, not the guide.
	if (f.hazard && any(text, words.nowish) && question && !howTo) return 'warnings';
	// A problem told, not asked about, with a kind of hazard a department handles: a report.
	if (f.category && !question && !howTo) return 'report';
	if (scenicPlace) return f.guide?.by === 'topic' ? 'guide' : 'scenic';
	if (any(text, words.scenic) && !f.guide) return 'scenic';
	if (any(text, words.smalltalk) && f.guide?.by !== 'topic') return 'smalltalk';
	if (f.guide) return 'guide';
	return 'unknown';
}
