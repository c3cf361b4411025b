/**
 * Danger now, for the messages that name no emergency phrase: a child gone near the
 * river, a car under fallen rocks with people inside, a family upstairs of a burning
 * stairwell. Designed for recall: people + a threat + now, a threat with a cry for help
 * (快来, help), or one signal that says all
 * three (出不去, 喊不应, not a drill); a threat with an escape question (楼道全是烟
 * 往上跑还是往下跑, which way do we run) is the same, as only someone in it asks so. "Nobody" takes the people away and "calm" words
 * (already out, burning straw) the threat; "if …", "what if"
 * take the danger away (the model and the emergency phrases still see the message).
 * Two more readings, for the medical and indirect emergencies a blind split showed the
 * rules missing: a grave sign of the body (bleeding that will not stop, vomiting and
 * drowsy, convulsing, chest pain, a face drooping) is a person in danger now by itself,
 * unless the message asks about it as a topic ("how to help someone having a seizure",
 * which also holds for the other readings below a signal);
 * and someone who cannot get away (can't walk, bedridden) near a threat or a named
 * hazard is in danger now even without a "now" word.
 * The words are data: words.json, `danger`.
 */
import type { EmergencyNumber } from '$lib/reports/emergency';
import { asksEscape, drill, hazardIn, inGeneral, longAgo, topic, withoutObjects } from './classify';
import { any } from './text';
import words from './words.json';

const NUMBERS = ['119', '110', '120'] as const;

/**
 * The numbers of the first state (`danger.states`) all of whose parts the message has and
 * none of whose `none` words ("躺在床上睡不着" is no one found lying); empty when none.
 */
export function stateNow(has: (list: readonly string[]) => boolean): EmergencyNumber[] {
	const state = words.danger.states.find((s) => s.all.every((part) => has(part)) && !has((s as { none?: readonly string[] }).none ?? []));
	return state ? (state.call as EmergencyNumber[]) : [];
}

/** The numbers the danger calls for, most relevant first; empty when none is told. `text` is normalized. */
export function dangerNow(message: string): EmergencyNumber[] {
	const d = words.danger;
	const text = withoutObjects(message);
	// People write "cant", "wont", "isnt": the lists are matched without apostrophes too.
	const bare = text.replace(/'/g, '');
	const has = (list: readonly string[]) => any(text, list) || any(bare, list);
	const signals = NUMBERS.filter((n) => has(d.signal[n]));
	const threats = NUMBERS.filter((n) => has(d.threat[n]));
	// Someone asking which way to run is in it (the people and the now): only a true "if" takes it back, not "or" nor "should I".
	const escape = asksEscape(text) || asksEscape(bare);
	// Asked in general ("一般咋处理", "老年人心脏病犯了 能做点啥"): even a signal is the topic then.
	if (has(escape ? d.supposing : d.hypothetical) || longAgo(text) || inGeneral(text)) return [];
	// A child's age with a person lost ("lost our 4 year old", "5岁的孩子找不到了") is a missing child now.
	// A drill that plays the danger ("演练 模拟有人溺水 要准备啥") is no one in it, unless something says it is happening still.
	if (drill(text) && !has(d.still_now)) return [];
	if (has(d.child_age) && threats.includes('110')) signals.push('110');
	// A signal with a state (锁在车里 + a child: the fire brigade, the police and the ambulance) calls the state's numbers too.
	if (signals.length) return [...new Set([...signals, ...threats, ...(has(d.unharmed) ? [] : stateNow(has))])];
	// "How to help someone having a seizure", "被蛇咬了一般咋处理": the danger is the topic of a
	// question. Only a signal above says it is happening now; the model still reads the message.
	if (topic(text)) return [];
	// A grave sign or a threat told about the past ("昨天胸口疼 去医院看了") is not now, unless something says it still is.
	if (has(d.past) && !has(d.still_now)) return [];
	// A person's state now told by two parts together, whatever the words around them (the
	// families a blind split missed): hit by current or still on the wire; swallowed something
	// toxic; later than said and unreachable; boxed in while the threat keeps coming; out in
	// the dark without a light or the way. Before "nobody": 没人接 (no one answers) is not nobody there.
	// "没人受伤" (nobody hurt) still takes a state back (a car stuck in mud, nobody hurt).
	const state = has(d.unharmed) ? [] : stateNow(has);
	if (state.length) return [...new Set([...state, ...threats])];
	if (has(d.grave)) return [...new Set(['120' as const, ...threats])];
	if (has(d.nobody) || has(d.unharmed) || has(d.calm)) return [];
	if (has(d.immobile) && !has(d.drill) && (threats.length || hazardIn(text))) return threats.length ? threats : ['120', '119'];
	if (!threats.length) return [];
	return (has(d.people) && has(d.now)) || has(d.hurry) || escape ? threats : [];
}
