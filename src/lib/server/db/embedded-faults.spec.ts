/**
 * The embedded default when its files are damaged or its disk is full: one line that
 * names the folder and what to do, never a quietly new empty database, never a hang.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { readConfig } from '../config';
import { openDatabase } from './index';
import { openPglite } from './pglite';
import { DatabaseUnavailableError } from './unavailable';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
/** The migrated template's files unpacked into `pgdata` (a plain tar.gz of the data directory). */
const unpack = (pgdata: string) => {
	fs.mkdirSync(pgdata, { recursive: true });
	execFileSync('tar', ['xzf', inject('pgliteTemplate'), '-C', pgdata], { stdio: 'ignore' });
};
const damaged = async (damage: (pgdata: string) => void) => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-damaged-'));
	dirs.push(dataDir);
	unpack(path.join(dataDir, 'pgdata'));
	damage(path.join(dataDir, 'pgdata'));
	return dataDir;
};
const opening = (dataDir: string) => openDatabase(readConfig({ DATA_DIR: dataDir }), 'test').then(({ db }) => db.close().then(() => 'opened'), (e: Error) => e.message);

describe('a damaged DATA_DIR', () => {
	it('a missing PG_VERSION is refused, not replaced by a new empty database', async () => {
		const dataDir = await damaged((pgdata) => fs.rmSync(path.join(pgdata, 'PG_VERSION')));
		const files = fs.readdirSync(path.join(dataDir, 'pgdata')).length;
		expect(await opening(dataDir)).toBe(
			`DATA_DIR ${dataDir}: the embedded database is incomplete (PG_VERSION missing); ` +
				'restore the folder from a backup (README: "Back up and restore"), or move it aside to start with an empty database'
		);
		expect(fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(false);
		expect(fs.readdirSync(path.join(dataDir, 'pgdata'))).toHaveLength(files);
		// and the lock is released for the next try
		expect(fs.existsSync(path.join(dataDir, 'safe-miyun.lock'))).toBe(false);
	});

	it('a damaged control file is one line naming the folder', async () => {
		const dataDir = await damaged((pgdata) => fs.writeFileSync(path.join(pgdata, 'global', 'pg_control'), 'not a control file'));
		const message = await opening(dataDir);
		expect(message).toMatch(new RegExp(`^DATA_DIR ${dataDir}: the embedded database cannot be opened, it is damaged \\(.*\\); restore the folder from a backup`));
		expect(message).not.toContain('\n');
	});
});

/** A small tmpfs to fill; null where this process may not mount (not root, a locked-down container). */
function smallDisk(megabytes: number): string | null {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-full-disk-'));
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'ignore' });
		return dir;
	} catch {
		fs.rmSync(dir, { recursive: true, force: true });
		return null;
	}
}

describe('a full disk', () => {
	const disk = process.getuid?.() === 0 ? smallDisk(90) : null;
	if (!disk) console.log('a full disk: skipped, this process cannot mount a small tmpfs to fill');

	it.skipIf(!disk)('a write that does not fit answers DatabaseUnavailableError naming DATA_DIR; later calls fail at once instead of hanging', async () => {
		const pgdata = path.join(disk!, 'data', 'pgdata');
		try {
			unpack(pgdata);
			const db = await openPglite(pgdata);
			await db.exec('create table public.filler (n int, x text)');
			let failure: unknown = null;
			for (let i = 0; i < 500 && !failure; i++) {
				failure = await db
					.query(`insert into public.filler select $1, repeat(md5(random()::text), 100) from generate_series(1, 2000)`, [i])
					.then(() => null, (e: unknown) => e);
			}
			expect(failure).toBeInstanceOf(DatabaseUnavailableError);
			const reason = (failure as DatabaseUnavailableError).reason;
			expect(reason).toBe(`the database disk is full (DATA_DIR ${path.join(disk!, 'data')}): free space there, then restart the server`);
			// no hang: every later call fails at once with the same reason, and status says it
			const later = await db.query('select 1').catch((e: unknown) => e);
			expect(later).toBe(failure);
			expect(db.status()).toMatchObject({ available: false, reason });
			await db.close();
		} finally {
			execFileSync('umount', ['-l', disk!], { stdio: 'ignore' });
			fs.rmSync(disk!, { recursive: true, force: true });
		}
	}, 240_000);
});
