/** The trimmed PostGIS bundle: only what the app loads, and PostGIS still works from it (geography needs PROJ's data). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openPglite } from './pglite';
import { kept, tar, trimmedBundle, untar } from './postgis-bundle';

const SOURCE = path.resolve('node_modules/@electric-sql/pglite-postgis/dist/postgis.tar.gz');

describe('the trimmed PostGIS bundle', () => {
	it('keeps the PostGIS library, its install script and PROJ, and leaves out raster, topology, tiger and upgrades', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postgis-bundle-'));
		try {
			const file = trimmedBundle(SOURCE, dir)!;
			const names = untar(zlib.gunzipSync(fs.readFileSync(file))).map((e) => e.name);
			expect(names).toContain('lib/postgresql/postgis-3.so');
			expect(names).toContain('share/proj/proj.db');
			expect(names).toContain('share/postgresql/extension/postgis.control');
			expect(names.filter((n) => n.endsWith('.so'))).toEqual(['lib/postgresql/postgis-3.so']);
			expect(names.filter((n) => /raster|topology|tiger|ANY|unpackaged/.test(n))).toEqual([]);
			const full = untar(zlib.gunzipSync(fs.readFileSync(SOURCE)));
			expect(full.some((e) => e.name === 'lib/postgresql/postgis_raster-3.so')).toBe(true); // the package still has them
			expect(fs.statSync(file).size).toBeLessThan(fs.statSync(SOURCE).size / 2);
			expect(trimmedBundle(SOURCE, dir)).toBe(file); // written once
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('reads back what it writes', () => {
		const entries = [
			{ name: 'a/b.txt', data: Buffer.from('hello') },
			{ name: 'c', data: Buffer.alloc(1500, 7) }
		];
		expect(untar(tar(entries))).toEqual(entries);
		expect(kept('lib/postgresql/postgis_topology-3.so')).toBe(false);
	});

	it('creates PostGIS in a new embedded database and answers geography (a buffer in metres goes through PROJ)', async () => {
		const db = await openPglite();
		try {
			await db.exec('create extension postgis');
			const [row] = await db.query<{ area: number; sb: string }>(
				`select st_area(st_buffer(st_makepoint(116.84, 40.37)::geography, 1000)) as area, current_setting('shared_buffers') as sb`
			);
			expect(row!.area).toBeGreaterThan(3.1e6);
			expect(row!.area).toBeLessThan(3.15e6);
			expect(row!.sb).toBe('16MB');
		} finally {
			await db.close();
		}
		// Creating PostGIS in a fresh embedded database compiles its WebAssembly: over a minute
		// on a loaded 2-core machine (it timed out at 60 s at load ~30).
	}, 240_000);
});
