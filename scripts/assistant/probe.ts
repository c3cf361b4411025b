/** npx tsx scripts/assistant/probe.ts "message" … — what the assistant understands of each message (for debugging; no database). */
import { createServer } from 'vite';
const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'error' });
try {
	const { understand } = await vite.ssrLoadModule('/src/lib/assistant/understand.ts');
	const { matchGuide, emergencyGuide } = await vite.ssrLoadModule('/src/lib/server/assistant/guides.ts');
	const { normalize, hasHan } = await vite.ssrLoadModule('/src/lib/assistant/text.ts');
	const { predict } = await vite.ssrLoadModule('/src/lib/assistant/model.ts');
	for (const raw of process.argv.slice(2)) {
		const t = normalize(raw);
		const lang = hasHan(t) ? 'zh-CN' : 'en';
		const guide = matchGuide(lang, t);
		const u = understand(t, { guide });
		const p = predict(t, guide);
		const top = Object.entries(p.probs as Record<string, number>).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(2)}`);
		console.log(`${raw}\n  ${JSON.stringify(u)} guide=${guide?.slug ?? '-'}/${guide?.by ?? ''} linked=${u.intent === 'emergency' ? emergencyGuide(lang, t) : '-'} model: ${top.join(', ')}`);
	}
} finally {
	await vite.close();
}
