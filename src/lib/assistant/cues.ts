/**
 * What the rules see in a message, as features for the model: which reviewed word lists
 * it hits (report, shelter, warnings, guide cues, hypotheticals…), whether a hazard,
 * report category, guide or scenic area is named, and the rules' own intent. The model
 * learns from the corpus how far to trust each, so a word list still helps with a message
 * whose wording the corpus never had. Not the emergency phrases nor danger-now: on
 * emergencies the model is a second, independent reader (the rules were written against
 * the same corpus, so a model trained on their verdict would only repeat them).
 * Danger-now is read as its parts, not its verdict: people, a threat, now, a cry for help,
 * a single signal, and the cues that take it back (nobody, calm, a hypothetical, a drill,
 * the past), with the combinations the rule uses (people + threat + now), so the model
 * learns from the corpus how far each goes, also where the rule's words fall short.
 * Text only (and the guide found in the kept guides): the same on server and device.
 */
import { categoryIn, classify, guideNamed, hazardIn, isQuestion, type Features } from './classify';
import { any, contains, normalize } from './text';
import words from './words.json';

const LISTS = [
	'report', 'shelter', 'shelter_weak', 'not_shelter', 'warnings', 'not_warnings', 'scenic', 'opening', 'smalltalk', 'guide_cues',
	'now', 'nowish', 'forecast', 'before', 'after', 'hypothetical', 'urgent', 'cancel'
] as const;

const SCENIC = Object.values(words.scenic_aliases).flat().map((a) => normalize(a));

/** A scenic area's name, from the word lists (the device knows no other place list for every message). */
export function scenicNamed(text: string): boolean {
	return SCENIC.some((a) => contains(text, a));
}

const DANGER_LISTS = ['people', 'nobody', 'now', 'hypothetical', 'calm', 'hurry', 'past', 'drill', 'grave', 'immobile', 'unharmed', 'generic', 'child_age'] as const;

/** The parts of danger-now found in a normalized message (apostrophes dropped too: "cant"). */
export function dangerCues(text: string): string[] {
	const d = words.danger;
	const bare = text.replace(/'/g, '');
	const has = (list: readonly string[]) => any(text, list) || any(bare, list);
	const out = DANGER_LISTS.filter((l) => has(d[l])).map((l) => `D:${l}`);
	const threat = Object.values(d.threat).some(has);
	if (threat) out.push('D:threat');
	if (Object.values(d.signal).some(has)) out.push('D:signal');
	const people = out.includes('D:people');
	const now = out.includes('D:now');
	if (threat && people) out.push('D:people+threat');
	if (threat && now) out.push('D:threat+now');
	if (threat && people && now) out.push('D:people+threat+now');
	return out;
}

/** The cue features of a normalized message, given the guide the retrieval found. */
export function cuesOf(text: string, guide: Features['guide']): string[] {
	const out: string[] = dangerCues(text);
	for (const list of LISTS) if (any(text, words[list])) out.push(`L:${list}`);
	if (isQuestion(text)) out.push('C:question');
	const hazard = hazardIn(text);
	const category = categoryIn(text);
	if (hazard) out.push('C:hazard');
	if (category) out.push('C:category');
	if (guideNamed(text).topic) out.push('C:topic');
	if (guide) out.push(`C:guide_${guide.by}`);
	const scenic = scenicNamed(text);
	if (scenic) out.push('C:scenic');
	out.push(`R:${classify(text, { emergency: [], place: scenic ? { kind: 'scenic' } : null, guide, category, hazard })}`);
	return out;
}
