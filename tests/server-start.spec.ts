/** Starting the built server with bad settings: one line that says what is wrong, no stack trace. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const SERVER = path.resolve('build/index.js');

function start(env: Record<string, string>, cwd = process.cwd()) {
	const result = spawnSync(process.execPath, [SERVER], {
		cwd,
		encoding: 'utf8',
		// a loaded CI machine migrates the embedded database slowly; a hung start still ends
		timeout: 240_000,
		env: { PATH: process.env.PATH ?? '', PORT: '4199', ...env }
	});
	return { code: result.status, stderr: result.stderr.trim() };
}

test('a malformed DATABASE_URL stops the start with one line naming it', () => {
	const { code, stderr } = start({ DATABASE_URL: 'mysql://root:hunter2@db/miyun' });
	expect(code).toBe(1);
	expect(stderr).toBe('safe-miyun: cannot start: DATABASE_URL: must start with postgres:// or postgresql:// (got mysql://)');
});

test('a bad PORT stops the start with one line naming it', () => {
	const { code, stderr } = start({ PORT: 'eighty', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'sm-')) });
	expect(code).toBe(1);
	expect(stderr).toBe('safe-miyun: cannot start: PORT: must be a whole number from 1 to 65535 (got "eighty")');
});

test('npm start with a PORT out of range names PORT, not the ORIGIN it would have made', () => {
	const result = spawnSync(process.execPath, [path.resolve('scripts/serve.js')], {
		encoding: 'utf8',
		timeout: 240_000,
		env: { PATH: process.env.PATH ?? '', PORT: '99999', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'sm-')) }
	});
	expect(result.status).toBe(1);
	expect(result.stderr.trim()).toBe('safe-miyun: cannot start: PORT: must be a whole number from 1 to 65535 (got "99999")');
});

test('a failing migration stops the start, names the file, and leaves nothing of it behind', () => {
	test.setTimeout(300_000);
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-root-'));
	const migrations = path.join(root, 'supabase/migrations');
	fs.mkdirSync(migrations, { recursive: true });
	for (const file of fs.readdirSync('supabase/migrations')) {
		fs.copyFileSync(path.join('supabase/migrations', file), path.join(migrations, file));
	}
	fs.writeFileSync(
		path.join(migrations, '29990101000000_broken.sql'),
		'create table public.half_done (id int);\ninsert into public.half_done values (1);\nselect * from no_such_table;\n'
	);
	const dataDir = path.join(root, 'data');
	const { code, stderr } = start({ DATA_DIR: dataDir }, root);
	expect(code).toBe(1);
	expect(stderr).toMatch(
		/^safe-miyun: cannot start: migration 29990101000000_broken\.sql: failed and was rolled back: relation "no_such_table" does not exist$/
	);
	// The lock is released, so the next start (with the file fixed) can run.
	expect(fs.existsSync(path.join(dataDir, 'safe-miyun.lock'))).toBe(false);
});
