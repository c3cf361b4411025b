/**
 * npx tsx scripts/assistant/split-extra.ts <file.yaml> ["who wrote them"] — adds a file of extra labelled
 * messages to the corpus: about 75% to train.yaml and 25% to dev.yaml, stratified by
 * intent, by a fixed seeded hash of each text (the same file always splits the same
 * way). Messages already in the corpus are skipped, so running it again after the file
 * grew adds only the new ones. Never for the test split. The block's header says who wrote
 * them ("written blind" unless told otherwise: messages an engineer wrote are said to be so).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parse, stringify } from 'yaml';

const SEED = '20261204';
const DEV_SHARE = 0.25;
const TRAIN = 'eval/assistant/train.yaml';
const DEV = 'eval/assistant/dev.yaml';

type Item = { text: string; lang: string; intent: string; [k: string]: unknown };

const file = process.argv[2];
const origin = process.argv[3] ?? 'written blind';
if (!file) throw new Error('usage: split-extra.ts <file.yaml>');
const read = (f: string) => ((parse(fs.readFileSync(f, 'utf8')) as Item[] | null) ?? []).filter((i) => i && typeof i.text === 'string');
const known = new Set([TRAIN, DEV, 'eval/assistant/messages.yaml'].flatMap(read).map((i) => i.text));
const fresh = read(file).filter((i) => !known.has(i.text) && typeof i.intent === 'string');

const rank = (text: string) => createHash('sha256').update(`${SEED}:${text}`).digest('hex');
const toDev = new Set<string>();
for (const intent of new Set(fresh.map((i) => i.intent))) {
	const group = fresh.filter((i) => i.intent === intent).sort((a, b) => rank(a.text).localeCompare(rank(b.text)));
	for (const i of group.slice(0, Math.round(group.length * DEV_SHARE))) toDev.add(i.text);
}

const append = (target: string, items: Item[]) => {
	if (!items.length) return;
	const text = fs.readFileSync(target, 'utf8');
	const block = stringify(items, { lineWidth: 0 });
	const note = `\n# ---- ${items.length} more from ${file} (${origin}; split ${100 - DEV_SHARE * 100}/${DEV_SHARE * 100} by intent, seed ${SEED}) ----\n`;
	const total = read(target).length + items.length;
	fs.writeFileSync(target, (text.endsWith('\n') ? text : text + '\n') + note + block);
	console.log(`${target}: +${items.length} → ${total} messages`);
};
append(TRAIN, fresh.filter((i) => !toDev.has(i.text)));
append(DEV, fresh.filter((i) => toDev.has(i.text)));
