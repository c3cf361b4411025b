/** The admin CLI as an operator runs it: a real process on a real embedded database. */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../src/lib/server/db/lock';
import { migratedDataDir } from '../src/lib/server/testing/data-dir';

let dataDir: string;

function admin(...args: string[]) {
	const result = spawnSync('npx', ['tsx', 'scripts/admin.ts', ...args], {
		encoding: 'utf8',
		env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' }
	});
	return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each case starts a real process that opens the database: slow on a loaded machine, so a generous limit.
describe('npm run admin', { timeout: 180_000 }, () => {
	beforeAll(async () => {
		dataDir = await migratedDataDir();
	});

	it('apikey create prints only the new key on stdout', () => {
		const { code, stdout, stderr } = admin('apikey', 'create', '--name', 'upstream-12379', '--role', 'warning_issuer');
		expect(code).toBe(0);
		expect(stdout).toMatch(/^smk_[A-Za-z0-9_-]{43}\n$/);
		expect(stderr).toContain('shown once');
		const again = admin('apikey', 'create', '--name', 'upstream-12379', '--role', 'warning_issuer');
		expect(again.code).toBe(1);
		expect(again.stderr.trim()).toBe('admin: name: an API key named "upstream-12379" exists already');
	});

	it('staff add creates an account, and refuses bad input with one line naming the field', () => {
		const ok = admin('staff', 'add', '--email', 'duty@miyun.test', '--password', 'a long password', '--role', 'dispatcher', '--town', '110118101');
		expect(ok.code).toBe(0);
		expect(ok.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
		const bad = admin('staff', 'add', '--email', 'x@miyun.test', '--password', 'a long password', '--role', 'boss', '--department', 'water');
		expect(bad.code).toBe(1);
		expect(bad.stderr.trim()).toBe('admin: role: "boss" is not a staff role (one of: dispatcher, handler, warning_issuer, admin)');
	});

	it('answers an unknown command or option with the usage, exit 2', () => {
		const unknown = admin('frobnicate');
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('usage: npm run admin -- <command>');
		const option = admin('apikey', 'create', '--nmae', 'x');
		expect(option.code).toBe(2);
		expect(option.stderr).toMatch(/Unknown option '--nmae'/);
	});

	it('refuses an embedded database that a running server holds', () => {
		const release = lockDataDir(dataDir, 'server');
		try {
			const { code, stderr } = admin('staff', 'list');
			expect(code).toBe(1);
			expect(stderr.trim()).toBe(
				`admin: DATA_DIR ${dataDir} is in use by process ${process.pid} (server). ` +
					'Stop that process first: the embedded database can be opened by one process at a time.'
			);
		} finally {
			release();
		}
	});
});
