/**
 * npm run eval:assistant — runs the held-out test split (eval/assistant/test.yaml) through
 * the assistant on a fresh embedded database (with the demo shelters) and prints intent
 * accuracy, precision and recall per intent, the confusion matrix, emergency recall
 * (call-now first) with every emergency missed, false call boxes, target accuracy, and
 * whether every advice step quoted is found in a guide; then one line for each extra set
 * (messages.yaml: the first evaluation set, now also training data). A .yaml argument
 * reports on that file instead; `--split dev` reports on eval/assistant/dev.yaml with a
 * model trained without it (the committed model has seen dev: its figures there would be
 * in-sample). Tune on dev, never on the test split.
 * npm run bench:assistant — the same messages, timed: answer time p50/p95 on the server.
 *
 * The engine is loaded through Vite (as the app and the tests load it), so `$lib` and the
 * bundled guides resolve exactly as in the server.
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import { createServer } from 'vite';

type Item = { text: string; lang: 'zh-CN' | 'en'; intent: string; guide?: string; place?: string; scenic?: string; category?: string; hazard?: string; note?: string };

const TEST = 'eval/assistant/test.yaml';
const EXTRA = ['eval/assistant/messages.yaml'];
const DEV = 'eval/assistant/dev.yaml';
const splitAt = process.argv.indexOf('--split');
const split = splitAt > 0 ? process.argv[splitAt + 1] : null;
if (split !== null && !/^[a-z_-]+$/.test(split ?? '')) throw new Error('--split needs a name: train, dev or test');
const named = split ? [`eval/assistant/${split}.yaml`] : process.argv.filter((a) => a.endsWith('.yaml'));
const main = named.length ? named : [TEST];
const extra = named.length ? [] : EXTRA;
const bench = process.argv.includes('--bench');
const verbose = process.argv.includes('--verbose');

const read = (file: string) => ((parse(fs.readFileSync(file, 'utf8')) as Item[] | null) ?? []).filter((i) => i && typeof i.text === 'string');

const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'error' });
try {
	const load = <T>(path: string) => vite.ssrLoadModule(path) as Promise<T>;
	const { openPglite } = await load<typeof import('../src/lib/server/db/pglite')>('/src/lib/server/db/pglite.ts');
	const { migrate, readMigrations } = await load<typeof import('../src/lib/server/db/migrate')>('/src/lib/server/db/migrate.ts');
	const { asCaller, ANON_CLAIMS } = await load<typeof import('../src/lib/server/db/caller')>('/src/lib/server/db/caller.ts');
	const { seedDemoShelters } = await load<typeof import('../src/lib/server/shelters/seed')>('/src/lib/server/shelters/seed.ts');
	const assistant = await load<typeof import('../src/lib/server/assistant')>('/src/lib/server/assistant/index.ts');
	const evaluate = await load<typeof import('./assistant/evaluate')>('/scripts/assistant/evaluate.ts');
	const trainer = await load<typeof import('./assistant/train')>('/scripts/assistant/train.ts');
	const { useModel } = await load<typeof import('../src/lib/assistant/model')>('/src/lib/assistant/model.ts');
	const { matchGuide } = await load<typeof import('../src/lib/server/assistant/guides')>('/src/lib/server/assistant/guides.ts');

	// A split the committed model was trained on is scored with a model trained without it.
	const seen = main.filter((f) => trainer.TRAIN_FILES.includes(f));
	if (seen.length) {
		const rest = trainer.readCorpus(trainer.TRAIN_FILES.filter((f) => !seen.includes(f)));
		useModel(trainer.train(rest, (text, lang) => matchGuide(lang === 'en' ? 'en' : 'zh-CN', text)));
		console.log(`scoring ${seen.join(', ')} with a model trained without it (${rest.length} messages)`);
	}

	console.log(`opening a fresh embedded database…`);
	const db = await openPglite();
	await migrate(db, readMigrations('supabase/migrations'));
	await db.exec('set search_path to "$user", public, extensions');
	await seedDemoShelters(db);

	const ask = (item: Item) =>
		asCaller(db, ANON_CLAIMS, (tx) =>
			assistant.converse(tx, {
				id: null,
				message: { text: item.text, lang: item.lang, lat: null, lon: null, photos: [] },
				channel: { kind: 'web', photos: true, reportLimit: () => null }
			})
		);
	const run = async (items: Item[]) => {
		const results = [];
		for (const item of items) {
			const reply = await ask(item);
			const detail = await asCaller(db, ANON_CLAIMS, (tx) => evaluate.targets(tx, item.text, item.lang));
			results.push(evaluate.score(item, reply, detail));
		}
		return results;
	};

	if (bench) {
		// The dev split too, so the timing never rests on an empty test file.
		const items = [...new Set([...main, ...extra, DEV])].flatMap(read);
		for (const item of items.slice(0, 10)) await ask(item); // warm up (indexes, JIT)
		const times: number[] = [];
		for (let round = 0; round < 3; round++) {
			for (const item of items) {
				const start = performance.now();
				await ask(item);
				times.push(performance.now() - start);
			}
		}
		times.sort((a, b) => a - b);
		const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
		console.log(`answer time over ${times.length} answers (${items.length} messages × 3): p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms; target p95 < 100 ms: ratio ${(Number(at(0.95)) / 100).toFixed(2)}`);
	} else {
		for (const file of main) {
			const items = read(file);
			console.log(`\n${file}: ${items.length} messages`);
			// The test file is emptied after each blind split is scored once, until the lead installs the next.
			if (!items.length) console.log('nothing to score yet: the next blind split is installed here by the lead; tune with `--split dev`');
			else console.log(evaluate.report(await run(items), verbose));
		}
		for (const file of extra) {
			const items = read(file);
			console.log(`\nextra set ${file} (${items.length} messages; also training data): ${evaluate.summary(await run(items))}`);
		}
	}
	await db.close();
} finally {
	await vite.close();
}
