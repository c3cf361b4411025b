import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DataDirBusyError, lockDataDir } from './lock';

describe('lockDataDir', () => {
	it('refuses a DATA_DIR that a live process holds, naming it', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
		// Another live process holds the lock.
		const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
		try {
			fs.writeFileSync(path.join(dir, 'safe-miyun.lock'), JSON.stringify({ pid: child.pid, what: 'server' }));
			const error = (() => {
				try {
					lockDataDir(dir, 'admin CLI');
				} catch (e) {
					return e;
				}
			})();
			expect(error).toBeInstanceOf(DataDirBusyError);
			expect((error as Error).message).toContain(`in use by process ${child.pid} (server)`);
		} finally {
			child.kill();
		}
	});

	it('takes over a lock whose process is gone, and releases it', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
		fs.writeFileSync(path.join(dir, 'safe-miyun.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, what: 'server' }));
		const release = lockDataDir(dir, 'test');
		expect(JSON.parse(fs.readFileSync(path.join(dir, 'safe-miyun.lock'), 'utf8')).pid).toBe(process.pid);
		release();
		expect(fs.existsSync(path.join(dir, 'safe-miyun.lock'))).toBe(false);
	});
});
