/**
 * A graceful shutdown on the embedded default: SIGTERM with a live-updates stream open
 * ends the stream and the process within 10 s (the PostgreSQL case is the last test of
 * database.fault.ts). adapter-node alone would wait for the stream for ever.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './postgres-instance';
import { openStream, startServer, type Server } from './server';

/**
 * A first embedded start creates PostGIS and runs every migration: a minute on a busy
 * 2-core machine. The database suites' migrated template (.test-data, made by `npx
 * vitest run`) is unpacked instead when there is one; the server applies whatever
 * migrations it lacks.
 */
function fromTemplate(dataDir: string): boolean {
	const dir = path.resolve('.test-data');
	const templates = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^pglite-.*\.tar\.gz$/.test(f)) : [];
	const newest = templates.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
	if (!newest) return false;
	fs.mkdirSync(path.join(dataDir, 'pgdata'), { recursive: true });
	execFileSync('tar', ['xzf', newest, '-C', path.join(dataDir, 'pgdata')], { stdio: 'ignore' });
	return true;
}

describe('SIGTERM on the embedded database', () => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-faults-embedded-'));
	let server: Server | undefined;
	afterAll(() => {
		server?.kill();
		fs.rmSync(dataDir, { recursive: true, force: true });
	});

	async function started(): Promise<Server> {
		if (server) return server;
		if (!fromTemplate(dataDir)) console.log('faults: no migrated PGlite template in .test-data: a first start (slow)');
		server = await startServer(await freePort(), { DATA_DIR: dataDir });
		return server;
	}

	it('answers 404 for an asset of an earlier build that a build in place removed, and stays up', async () => {
		const s = await started();
		// an asset the static server listed when it started, with its compressed copies
		const assets = path.resolve('build/client/_app/immutable/assets');
		const name = fs.readdirSync(assets).find((f) => f.endsWith('.css') && fs.existsSync(path.join(assets, `${f}.br`)));
		expect(name).toBeTruthy();
		const variants = [name!, `${name}.br`, `${name}.gz`].map((f) => path.join(assets, f)).filter((f) => fs.existsSync(f));
		for (const f of variants) fs.renameSync(f, `${f}.away`);
		try {
			const gone = await fetch(`${s.base}/_app/immutable/assets/${name}`, { headers: { 'accept-encoding': 'br, gzip' } });
			expect(gone.status).toBe(404);
			expect((await fetch(`${s.base}/_app/immutable/assets/%E0%A4%A`)).status).toBe(404);
		} finally {
			for (const f of variants) fs.renameSync(`${f}.away`, f);
		}
		expect((await fetch(`${s.base}/api/health`)).status).toBe(200);
		expect(s.child.exitCode).toBeNull();
		// and a file that is there is still served
		expect((await fetch(`${s.base}/_app/immutable/assets/${name}`)).status).toBe(200);
	}, 180_000);

	it('ends the open streams and exits within 10 s, releasing DATA_DIR', async () => {
		server = await started();
		const streams = await Promise.all([openStream(server.base), openStream(server.base)]);
		await new Promise((r) => setTimeout(r, 300));
		const { code, ms } = await server.sigterm();
		console.log(`faults: embedded server exited ${ms} ms after SIGTERM`);
		expect(code).toBe(0);
		expect(ms).toBeLessThan(10_000);
		expect(streams.every((s) => s.ended())).toBe(true);
		expect(fs.existsSync(path.join(dataDir, 'safe-miyun.lock'))).toBe(false);
	}, 180_000);
});
