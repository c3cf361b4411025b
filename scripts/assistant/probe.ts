/**
 * npx tsx scripts/assistant/probe.ts "message" … (or lines on stdin with `-`) — what the
 * assistant understands of each message and which reader decided: the emergency phrases,
 * danger-now or the model (with its three likeliest intents). For looking at dev errors; no database.
 */
import fs from 'node:fs';
import { createServer } from 'vite';

const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'error' });
try {
	const load = <T>(path: string) => vite.ssrLoadModule(path) as Promise<T>;
	const { understand } = await load<typeof import('../../src/lib/assistant/understand')>('/src/lib/assistant/understand.ts');
	const { emergencyIn, plain } = await load<typeof import('../../src/lib/assistant/classify')>('/src/lib/assistant/classify.ts');
	const { dangerNow } = await load<typeof import('../../src/lib/assistant/danger')>('/src/lib/assistant/danger.ts');
	const { matchGuide } = await load<typeof import('../../src/lib/server/assistant/guides')>('/src/lib/server/assistant/guides.ts');
	const { normalize, hasHan } = await load<typeof import('../../src/lib/assistant/text')>('/src/lib/assistant/text.ts');
	const { predict } = await load<typeof import('../../src/lib/assistant/model')>('/src/lib/assistant/model.ts');
	const args = process.argv.slice(2);
	const messages = args[0] === '-' ? fs.readFileSync(0, 'utf8').split('\n').filter(Boolean) : args;
	for (const raw of messages) {
		const t = normalize(raw);
		const guide = matchGuide(hasHan(t) ? 'zh-CN' : 'en', t);
		const u = understand(t, { guide });
		const p = plain(t);
		const by = emergencyIn(p).length ? 'phrases' : dangerNow(p).length ? 'danger-now' : 'model';
		const top = Object.entries(predict(t, guide).probs).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(2)}`);
		console.log(`${u.intent}${u.intent === 'emergency' ? ` ${u.call.join('/')} by ${by}` : ''}${u.then ? ` then ${u.then}` : ''} · guide ${guide?.slug ?? '-'} · model ${top.join(', ')}\n  ${raw}`);
	}
} finally {
	await vite.close();
}
