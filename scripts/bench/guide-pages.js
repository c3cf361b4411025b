/**
 * `node scripts/bench/guide-pages.js`: what each guide page costs a phone, in KB gzipped
 * (HTML + JavaScript + CSS, as a server or proxy that gzips would send them), for every
 * guide in both languages; the compact offline index; and how long the server takes to
 * render a guide page (median of 200 sequential requests, to weigh against prerendering).
 * Needs `npm run build` first; starts its own server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { median, startServer } from './server.js';

const JS_BUDGET_KB = 50;
const slugs = fs
	.readdirSync('content/zh-CN/guides')
	.filter((f) => f.endsWith('.md'))
	.map((f) => f.slice(0, -3))
	.sort();
const gz = (body) => gzipSync(body, { level: 9 }).length / 1024;

const server = await startServer({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-guides-')), port: Number(process.env.BENCH_PORT ?? 4321) });
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking']
});
try {
	for (const lang of ['zh-CN', 'en']) {
		const context = await browser.newContext({ viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
		const rows = [];
		for (const slug of slugs) {
			const page = await context.newPage();
			/** @type {Promise<{ type: string, kb: number }>[]} */
			const parts = [];
			page.on('response', (response) => {
				const type = response.request().resourceType();
				if (['document', 'script', 'stylesheet'].includes(type)) parts.push(response.body().then((b) => ({ type, kb: gz(b) })));
			});
			// A fresh page each time, cache disabled: the cost of a first visit.
			await page.route('**/*', (route) => route.continue({ headers: { ...route.request().headers(), 'cache-control': 'no-cache' } }));
			await page.goto(`${server.url}/guides/${slug}?lang=${lang}`, { waitUntil: 'networkidle' });
			const got = await Promise.all(parts);
			const sum = (type) => got.filter((p) => p.type === type).reduce((s, p) => s + p.kb, 0);
			rows.push({ slug, html: sum('document'), js: sum('script'), css: sum('stylesheet') });
			await page.close();
		}
		await context.close();
		for (const r of rows) {
			console.log(`${lang.padEnd(6)} /guides/${r.slug.padEnd(17)} html ${r.html.toFixed(1).padStart(5)} KB  js ${r.js.toFixed(1)} KB  css ${r.css.toFixed(1)} KB  total ${(r.html + r.js + r.css).toFixed(1)} KB`);
		}
		const worstJs = Math.max(...rows.map((r) => r.js));
		const html = rows.map((r) => r.html);
		console.log(
			`${lang}: HTML ${Math.min(...html).toFixed(1)}–${Math.max(...html).toFixed(1)} KB (all ${rows.length} pages: ${html.reduce((a, b) => a + b, 0).toFixed(0)} KB); ` +
				`JS at most ${worstJs.toFixed(1)} KB, budget ${JS_BUDGET_KB} KB: ${worstJs <= JS_BUDGET_KB ? 'within' : 'OVER'}`
		);
		const index = Buffer.from(await (await fetch(`${server.url}/guides/search-${lang}.json`)).arrayBuffer());
		console.log(`${lang}: compact offline index /guides/search-${lang}.json ${(index.length / 1024).toFixed(1)} KB raw, ${gz(index).toFixed(1)} KB gzipped`);
	}
	for (const target of ['/guides/earthquake?lang=en', '/offline']) {
		const times = [];
		for (let i = 0; i < 200; i++) {
			const started = performance.now();
			await (await fetch(server.url + target)).arrayBuffer();
			times.push(performance.now() - started);
		}
		console.log(`${target.padEnd(28)} median ${median(times).toFixed(2)} ms per request (200 sequential)`);
	}
} finally {
	await browser.close();
	await server.stop();
}
