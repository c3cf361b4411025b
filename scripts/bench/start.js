/**
 * `npm run bench:start`: seconds from `node build` to a healthy /api/health on the
 * embedded database — on a fresh DATA_DIR (PostGIS created, all migrations, demo seed)
 * and on a later start — median of 3 each. Needs `npm run build` first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, startServer } from './server.js';

const RUNS = 3;
const BASELINE = 'ARCHITECTURE.md, measured on these machines: first CREATE EXTENSION postgis ~10 s, a later PGlite open ~2 s';

const fresh = [];
let dataDir = '';
for (let i = 0; i < RUNS; i++) {
	dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-start-'));
	const server = await startServer({ dataDir, port: 4300 + i });
	fresh.push(server.seconds);
	await server.stop();
}
const later = [];
for (let i = 0; i < RUNS; i++) {
	const server = await startServer({ dataDir, port: 4310 + i });
	later.push(server.seconds);
	await server.stop();
}
const fmt = (/** @type {number[]} */ list) => list.map((s) => s.toFixed(2)).join(', ');
console.log(`first start, fresh DATA_DIR: median ${median(fresh).toFixed(2)} s  (runs: ${fmt(fresh)})`);
console.log(`later start:                median ${median(later).toFixed(2)} s  (runs: ${fmt(later)})`);
console.log(`baseline: ${BASELINE}`);
