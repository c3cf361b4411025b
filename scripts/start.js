/**
 * `npm start`: builds the app when the build is missing or older than the sources,
 * then runs the production server (scripts/serve.js: adapter-node, with the live event
 * streams at the Node layer) on PORT (default 3000). The server itself applies migrations
 * and, on the embedded default, the demo seed.
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

await import('./serve.js');
