/**
 * `npm start`: builds the app when the build is missing or older than the sources,
 * then runs the production server (adapter-node) on PORT (default 3000). The server
 * itself applies migrations and, on the embedded default, the demo seed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SOURCES = ['src', 'static', 'supabase/migrations', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

/** @param {string} target @returns {number} newest modification time below target */
function newest(target) {
	if (!fs.existsSync(target)) return 0;
	const stat = fs.statSync(target);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let latest = stat.mtimeMs;
	for (const entry of fs.readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)));
	return latest;
}

const built = fs.existsSync('build/index.js') ? fs.statSync('build/index.js').mtimeMs : 0;
if (built < Math.max(...SOURCES.map(newest))) {
	console.log('safe-miyun: building (first start, or the sources changed) …');
	const result = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

// adapter-node takes the public origin from ORIGIN (or proxy headers) and otherwise
// assumes https, which would make SvelteKit's CSRF check refuse every form post on a
// plain-http local start. Behind a proxy, set ORIGIN to the public URL.
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER) {
	process.env.ORIGIN = `http://localhost:${process.env.PORT || 3000}`;
	console.log(`safe-miyun: ORIGIN not set; using ${process.env.ORIGIN} (open the app at that address)`);
}

// Hazard reports carry up to 4 photos of up to 8 MB each (multipart, also with
// JavaScript off); adapter-node's own default (512K) would refuse them. Set
// BODY_SIZE_LIMIT to change it; see docs/decisions.md.
process.env.BODY_SIZE_LIMIT ??= '34M';

// Node closes an idle keep-alive connection after 5 s; a proxy (nginx keeps upstream
// connections 60 s) or any client reusing the socket at that moment gets a reset or a
// 502. Keep connections longer than the proxy does; KEEP_ALIVE_TIMEOUT (s) overrides.
process.env.KEEP_ALIVE_TIMEOUT ??= '65';
process.env.HEADERS_TIMEOUT ??= '66';

await import(path.resolve('build/index.js'));
