/**
 * Latency of the nearest-shelter query on the embedded database:
 *   npx tsx scripts/bench/shelters-nearest.js [N=10000] [queries=300]
 * Seeds N shelters at random positions across Miyun (random suitable hazards, 90 % open)
 * into a temporary DATA_DIR, then times public.nearest_shelters(lat, lon, 'flood', 5) as
 * an anonymous caller (RLS on, as a request runs it) from random points, and the bare
 * KNN (`order by position <-> point limit 5`) for comparison with ARCHITECTURE.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readConfig } from '../../src/lib/server/config';
import { asCaller } from '../../src/lib/server/db/caller';
import { openDatabase } from '../../src/lib/server/db';
import { median } from './server.js';

const N = Number(process.argv[2] ?? 10_000);
const QUERIES = Number(process.argv[3] ?? 300);
const BASELINE = 'ARCHITECTURE.md: KNN on 100k points ~10 ms (PGlite, measured on these machines)';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-shelters-'));
process.env.DATA_DIR = dataDir;
delete process.env.DATABASE_URL;
const { db } = await openDatabase(readConfig(), 'shelters benchmark');
try {
	await db.exec(`
		insert into public.shelters (name_zh, name_en, position, class, indoor, capacity, hazards, status)
		select 'b' || i, 'b' || i,
		       extensions.st_setsrid(extensions.st_makepoint(116.66 + random() * 0.85, 40.22 + random() * 0.58), 4326)::extensions.geography,
		       'emergency', random() < 0.5, 100,
		       case when random() < 0.5 then '{flood,earthquake}'::public.hazard_code[] else '{earthquake}'::public.hazard_code[] end,
		       case when random() < 0.9 then 'open' else 'closed' end::public.shelter_status
		  from generate_series(1, ${N}) i;
		analyze public.shelters;`);
	const points = Array.from({ length: QUERIES }, () => [40.25 + Math.random() * 0.5, 116.7 + Math.random() * 0.75]);
	const time = async (/** @type {(tx: any, p: number[]) => Promise<unknown>} */ work) => {
		const ms = [];
		for (const p of points) {
			const t0 = performance.now();
			await asCaller(db, { role: 'anon' }, (tx) => work(tx, p));
			ms.push(performance.now() - t0);
		}
		ms.sort((a, b) => a - b);
		return { median: median(ms), p95: ms[Math.floor(ms.length * 0.95)] };
	};
	await time((tx, [lat, lon]) => tx.query(`select * from public.nearest_shelters($1, $2, 'flood', 5)`, [lat, lon])); // warm-up
	const nearest = await time((tx, [lat, lon]) => tx.query(`select * from public.nearest_shelters($1, $2, 'flood', 5)`, [lat, lon]));
	const knn = await time((tx, [lat, lon]) =>
		tx.query(
			`select id from public.shelters
			  order by position operator(extensions.<->) extensions.st_setsrid(extensions.st_makepoint($2, $1), 4326)::extensions.geography limit 5`,
			[lat, lon]
		)
	);
	const f = (/** @type {number} */ x) => x.toFixed(2);
	console.log(`${N} shelters, ${QUERIES} queries each, embedded PGlite, as anon with RLS, one transaction per query`);
	console.log(`nearest_shelters(flood, limit 5): median ${f(nearest.median)} ms, p95 ${f(nearest.p95)} ms`);
	console.log(`bare KNN (limit 5):               median ${f(knn.median)} ms, p95 ${f(knn.p95)} ms`);
	console.log(`baseline: ${BASELINE}`);
} finally {
	await db.close();
	fs.rmSync(dataDir, { recursive: true, force: true });
}
