/**
 * Scoring for the evaluation sets (scripts/eval-assistant.ts): intent accuracy, precision
 * and recall per intent, the confusion matrix, emergency recall (call-now first) with
 * every emergency missed, false call boxes, targets, and the check that every advice step
 * an answer quotes is found word for word in a guide. Loaded through Vite, outside the
 * server bundle.
 */
import type { Lang } from '$lib/i18n';
import type { Queryable } from '$lib/server/db/port';
import { listGuides } from '$lib/server/guides';
import { translator } from '$lib/server/assistant/answers';
import { categoryIn, hazardIn, INTENTS } from '$lib/assistant/classify';
import { adviceIsQuoted } from '$lib/server/assistant/guides';
import { findPlace, loadGazetteer } from '$lib/server/assistant/places';
import { normalize } from '$lib/assistant/text';
import { CALL_HEADS } from '$lib/assistant/replies';
import type { Reply } from '$lib/server/assistant/types';

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
	// The call box leads; while the ground shakes the guide's "take cover" leads and the call box follows it.
	const boxFirst = CALL_HEADS.some((head) => firstLine.startsWith(t(`assistant.reply.${head}`, { number: '' }).slice(0, 4))) && /^tel:/.test(reply.links[0]?.href ?? '');
	const coverFirst = reply.links[0]?.href === '/guides/earthquake#during' && reply.links.some((l) => l.href.startsWith('tel:'));
	const callFirst = reply.intent === 'emergency' && (boxFirst || coverFirst);
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

export type Figures = { accuracy: number; recall: number; falseAlarms: number; missed: Scored[] };

export function figures(results: Scored[]): Figures {
	const emergencies = results.filter((r) => r.item.intent === 'emergency');
	const others = results.filter((r) => r.item.intent !== 'emergency');
	const missed = emergencies.filter((r) => !r.callFirst);
	return {
		accuracy: results.length ? results.filter((r) => r.intent === r.item.intent).length / results.length : 0,
		recall: emergencies.length ? (emergencies.length - missed.length) / emergencies.length : 1,
		falseAlarms: others.length ? others.filter((r) => r.intent === 'emergency').length / others.length : 0,
		missed
	};
}

export function report(results: Scored[], verbose = false): string {
	const out: string[] = [];
	const right = results.filter((r) => r.intent === r.item.intent).length;
	out.push(`intent accuracy: ${right}/${results.length} = ${pct(right, results.length)}`);
	out.push(`  ${'intent'.padEnd(10)} ${'precision'.padStart(16)} ${'recall'.padStart(16)}`);
	for (const intent of INTENTS) {
		const truth = results.filter((r) => r.item.intent === intent);
		const said = results.filter((r) => r.intent === intent);
		const both = truth.filter((r) => r.intent === intent).length;
		if (!truth.length && !said.length) continue;
		const cell = (a: number, b: number) => `${a}/${b} ${pct(a, b)}`.padStart(16);
		out.push(`  ${intent.padEnd(10)} ${cell(both, said.length)} ${cell(both, truth.length)}`);
	}
	out.push('confusion matrix (rows: expected, columns: answered):');
	const short = INTENTS.map((i) => i.slice(0, 6));
	out.push(`  ${''.padEnd(10)}${short.map((s) => s.padStart(7)).join('')}`);
	for (const intent of INTENTS) {
		const row = results.filter((r) => r.item.intent === intent);
		if (!row.length) continue;
		out.push(`  ${intent.padEnd(10)}${INTENTS.map((j) => String(row.filter((r) => r.intent === j).length || '.').padStart(7)).join('')}`);
	}
	const f = figures(results);
	const emergencies = results.filter((r) => r.item.intent === 'emergency').length;
	const others = results.length - emergencies;
	out.push(`emergency recall (call-now first): ${emergencies - f.missed.length}/${emergencies} = ${pct(emergencies - f.missed.length, emergencies)}`);
	out.push(`emergencies missed (${f.missed.length}):`);
	for (const r of f.missed) out.push(`  ! ${r.intent}: ${r.item.text}`);
	const falseAlarms = results.filter((r) => r.item.intent !== 'emergency' && r.intent === 'emergency');
	out.push(`call-now given to non-emergencies: ${falseAlarms.length}/${others} = ${pct(falseAlarms.length, others)}`);
	for (const r of falseAlarms) out.push(`  ${r.item.intent}: ${r.item.text}`);
	for (const name of ['guide', 'place', 'scenic', 'category', 'hazard']) {
		const of = results.filter((r) => name in r.targets);
		const ok = of.filter((r) => r.targets[name]).length;
		if (of.length) out.push(`target ${name.padEnd(8)} ${ok}/${of.length} = ${pct(ok, of.length)}`);
	}
	const unquoted = results.flatMap((r) => r.unquoted.map((s) => `${r.item.text} → ${s}`));
	const advice = results.filter((r) => r.intent === 'guide').length;
	out.push(`advice not found in a guide: ${unquoted.length} (in ${advice} guide answers)`);
	for (const u of unquoted) out.push(`  ! ${u}`);
	const confusions = results.filter((r) => r.intent !== r.item.intent && r.item.intent !== 'emergency' && r.intent !== 'emergency');
	out.push(`other confusions (${confusions.length}): expected → answered`);
	for (const r of confusions) out.push(`  ${r.item.intent} → ${r.intent}: ${r.item.text}`);
	if (verbose) {
		const misses = results.filter((r) => Object.values(r.targets).some((v) => !v));
		out.push(`target misses (${misses.length}):`);
		for (const r of misses) out.push(`  ${Object.entries(r.targets).filter(([, v]) => !v).map(([k]) => `${k}=${(r.item as Record<string, unknown>)[k]}`).join(' ')}: ${r.item.text}`);
	}
	return out.join('\n');
}

/** One line for an extra set. */
export function summary(results: Scored[]): string {
	const f = figures(results);
	return `intent accuracy ${pct(f.accuracy * results.length, results.length)}, emergency recall ${(100 * f.recall).toFixed(1)}% (${f.missed.length} missed), call-now to non-emergencies ${(100 * f.falseAlarms).toFixed(1)}%`;
}
