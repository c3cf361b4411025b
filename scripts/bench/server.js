/** Starts the built server as a child process and waits until /api/health answers. */
import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * @param {{ dataDir: string, port: number }} options
 * @returns {Promise<{ seconds: number, url: string, stop: () => Promise<void> }>}
 */
export async function startServer({ dataDir, port }) {
	const started = performance.now();
	const child = spawn(process.execPath, [path.resolve('build/index.js')], {
		env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), ORIGIN: `http://127.0.0.1:${port}`, DATABASE_URL: '' },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const url = `http://127.0.0.1:${port}`;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
		try {
			const response = await fetch(`${url}/api/health`);
			if (response.ok) break;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	const seconds = (performance.now() - started) / 1000;
	return {
		seconds,
		url,
		stop: async () => {
			child.kill('SIGTERM');
			await exited;
		}
	};
}

/** @param {number[]} values */
export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}
