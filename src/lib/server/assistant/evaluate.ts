/**
 * Scoring for the evaluation set (scripts/eval-assistant.ts): intent accuracy and
 * confusions, emergency-first, targets, and the check that every advice step an
 * answer quotes is found word for word in a guide.
 */
import type { Lang } from '$lib/i18n';
import type { Queryable } from '../db/port';
import { listGuides } from '../guides';
import { translator } from './answers';
import { categoryIn } from './dialogue';
import { hazardIn } from '$lib/assistant/classify';
import { adviceIsQuoted } from './guides';
import { findPlace, loadGazetteer } from './places';
import { normalize } from '$lib/assistant/text';
import type { Reply } from './types';

export type EvalItem = { text: string; lang: Lang; intent: string; guide?: string; place?: string; scenic?: string; category?: string; hazard?: string };

export type Detail = { place: string | null; scenic: string | null; category: string; hazard: string | null };

/** What the engine recognises in a message, for the target checks. */
export async function targets(tx: Queryable, text: string, _lang: Lang): Promise<Detail> {
	const n = normalize(text);
	const place = findPlace(await loadGazetteer(tx), n);
	return {
		place: place && place.kind !== 'scenic' ? place.name_zh : null,
		scenic: place?.kind === 'scenic' ? place.id : null,
		category: categoryIn(n),
		hazard: hazardIn(n)
	};
}

export type Scored = {
	item: EvalItem;
	intent: string;
	callFirst: boolean;
	/** target name → hit or miss, for the targets the item names */
	targets: Record<string, boolean>;
	unquoted: string[];
};

export function score(item: EvalItem, reply: Reply, detail: Detail): Scored {
	const t = translator(item.lang);
	const firstLine = reply.reply.split('\n')[0] ?? '';
	const callFirst = reply.intent === 'emergency' && /^tel:/.test(reply.links[0]?.href ?? '') && firstLine.startsWith(t('assistant.reply.call_now', { number: '' }).slice(0, 4));
	const hrefs = reply.links.map((l) => l.href);
	const targets: Record<string, boolean> = {};
	if (item.guide) targets.guide = hrefs.some((h) => h.startsWith(`/guides/${item.guide}`));
	if (item.place) targets.place = detail.place === item.place;
	if (item.scenic) targets.scenic = detail.scenic === item.scenic;
	if (item.category) targets.category = detail.category === item.category;
	if (item.hazard) targets.hazard = detail.hazard === item.hazard;
	const unquoted =
		reply.intent === 'guide'
			? reply.reply
					.split('\n')
					.slice(1)
					.map((line) => line.replace(/^\d+\. /, ''))
					.filter((step) => !adviceIsQuoted(step, listGuides(item.lang)))
			: [];
	return { item, intent: reply.intent, callFirst, targets, unquoted };
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');

export function report(results: Scored[], verbose = false): string {
	const out: string[] = [];
	const intents = [...new Set(results.map((r) => r.item.intent))].sort();
	const right = results.filter((r) => r.intent === r.item.intent).length;
	out.push(`intent accuracy: ${right}/${results.length} = ${pct(right, results.length)}`);
	for (const intent of intents) {
		const of = results.filter((r) => r.item.intent === intent);
		const ok = of.filter((r) => r.intent === intent).length;
		out.push(`  ${intent.padEnd(10)} ${String(ok).padStart(3)}/${String(of.length).padEnd(3)} ${pct(ok, of.length)}`);
	}
	const emergencies = results.filter((r) => r.item.intent === 'emergency');
	const first = emergencies.filter((r) => r.callFirst).length;
	out.push(`emergency answered first with call-now: ${first}/${emergencies.length} = ${pct(first, emergencies.length)}`);
	const falseAlarms = results.filter((r) => r.item.intent !== 'emergency' && r.intent === 'emergency').length;
	out.push(`call-now given to non-emergencies: ${falseAlarms}`);
	for (const name of ['guide', 'place', 'scenic', 'category', 'hazard']) {
		const of = results.filter((r) => name in r.targets);
		const ok = of.filter((r) => r.targets[name]).length;
		if (of.length) out.push(`target ${name.padEnd(8)} ${ok}/${of.length} = ${pct(ok, of.length)}`);
	}
	const unquoted = results.flatMap((r) => r.unquoted.map((s) => `${r.item.text} → ${s}`));
	const advice = results.filter((r) => r.intent === 'guide').length;
	out.push(`advice not found in a guide: ${unquoted.length} (in ${advice} guide answers)`);
	for (const u of unquoted) out.push(`  ! ${u}`);
	const confusions = results.filter((r) => r.intent !== r.item.intent);
	out.push(`confusions (${confusions.length}): expected → answered`);
	for (const r of confusions) out.push(`  ${r.item.intent} → ${r.intent}: ${r.item.text}`);
	if (verbose) {
		const misses = results.filter((r) => Object.values(r.targets).some((v) => !v));
		out.push(`target misses (${misses.length}):`);
		for (const r of misses) out.push(`  ${Object.entries(r.targets).filter(([, v]) => !v).map(([k]) => `${k}=${(r.item as Record<string, unknown>)[k]}`).join(' ')}: ${r.item.text}`);
	}
	return out.join('\n');
}
