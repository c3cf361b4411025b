/**
 * `npm run bench:js`: the JavaScript each page makes a phone download, in KB gzipped
 * (what the server sends to a browser that accepts gzip), against the budget of 100 KB.
 * Then the map's own figure: the scripts /map loads beyond the app's shared runtime
 * (those every measured page loads: SvelteKit's start and app chunks, the root layout),
 * against the map's budget of 30 KB. Needs `npm run build` first; starts its own server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { startServer } from './server.js';

const BUDGET_KB = 100;
const MAP_BUDGET_KB = 30;
const PAGES = process.argv.slice(2).length ? process.argv.slice(2) : ['/', '/numbers', '/console/sign-in', '/map'];
/** @type {Map<string, { url: string, raw: number, gzip: number }[]>} */
const loaded = new Map();

const server = await startServer({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-js-')), port: 4320 });
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking']
});
try {
	for (const pagePath of PAGES) {
		const context = await browser.newContext({ viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
		const page = await context.newPage();
		/** @type {Promise<{ url: string, raw: number, gzip: number }>[]} */
		const scripts = [];
		page.on('response', (response) => {
			if (response.request().resourceType() !== 'script') return;
			scripts.push(response.body().then((body) => ({ url: response.url(), raw: body.length, gzip: gzipSync(body, { level: 9 }).length })));
		});
		await page.goto(server.url + pagePath, { waitUntil: 'networkidle' });
		const files = await Promise.all(scripts);
		loaded.set(pagePath, files);
		const gzip = files.reduce((sum, f) => sum + f.gzip, 0) / 1024;
		const raw = files.reduce((sum, f) => sum + f.raw, 0) / 1024;
		console.log(
			`${pagePath.padEnd(18)} ${files.length} scripts, ${gzip.toFixed(1)} KB gzipped (${raw.toFixed(1)} KB raw); budget ${BUDGET_KB} KB: ${gzip <= BUDGET_KB ? 'within' : 'OVER'}`
		);
		await context.close();
	}
	const others = [...loaded.entries()].filter(([p]) => p !== '/map').map(([, files]) => new Set(files.map((f) => new URL(f.url).pathname)));
	const map = loaded.get('/map');
	if (map && others.length) {
		const own = map.filter((f) => !others.every((set) => set.has(new URL(f.url).pathname)));
		const gzip = own.reduce((sum, f) => sum + f.gzip, 0) / 1024;
		console.log(
			`/map beyond the shared runtime: ${own.length} scripts, ${gzip.toFixed(1)} KB gzipped; budget ${MAP_BUDGET_KB} KB: ${gzip <= MAP_BUDGET_KB ? 'within' : 'OVER'} (ratio ${(gzip / MAP_BUDGET_KB).toFixed(2)})`
		);
	}
} finally {
	await browser.close();
	await server.stop();
}
