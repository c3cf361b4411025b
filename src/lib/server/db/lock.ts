/**
 * The embedded database belongs to one process at a time: PGlite has no locking of
 * its own, and two processes writing the same files corrupt them. A lock file in
 * DATA_DIR, created exclusively, says who holds it; a lock whose process is gone
 * is stale and taken over.
 */
import fs from 'node:fs';
import path from 'node:path';

export class DataDirBusyError extends Error {
	constructor(dataDir: string, pid: number, what: string) {
		super(
			`DATA_DIR ${dataDir} is in use by process ${pid} (${what}). ` +
				'Stop that process first: the embedded database can be opened by one process at a time.'
		);
		this.name = 'DataDirBusyError';
	}
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Takes the lock or throws DataDirBusyError; returns the function that releases it. */
export function lockDataDir(dataDir: string, what: string): () => void {
	fs.mkdirSync(dataDir, { recursive: true });
	const file = path.join(dataDir, 'safe-miyun.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = fs.openSync(file, 'wx');
			fs.writeSync(fd, JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() }));
			fs.closeSync(fd);
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				process.off('exit', release);
				fs.rmSync(file, { force: true });
			};
			process.on('exit', release);
			return release;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			let holder: { pid?: number; what?: string } = {};
			try {
				holder = JSON.parse(fs.readFileSync(file, 'utf8'));
			} catch {
				// Half-written by a process that died while writing it: stale.
			}
			if (holder.pid && holder.pid !== process.pid && alive(holder.pid)) {
				throw new DataDirBusyError(dataDir, holder.pid, holder.what ?? 'unknown');
			}
			fs.rmSync(file, { force: true });
		}
	}
	throw new Error(`could not take the lock ${file}`);
}
