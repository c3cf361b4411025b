/**
 * A PostgreSQL instance of the fault suite's own: initdb from the Debian packages into a
 * temporary folder, on a free port, trust authentication, PostGIS available (the
 * extension is the machine's). Restarting or stopping it disturbs nothing else; `remove`
 * stops it and deletes the folder. initdb and the server refuse to run as root (as CI
 * does), so there they run as the `postgres` user.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export type Instance = {
	port: number;
	/** TCP, as the server uses it */
	url: (db?: string) => string;
	/** the Unix socket in the instance's folder: reachable while TCP is switched off */
	socketUrl: (db?: string) => string;
	stop(): void;
	/** `tcp: false` starts it reachable by its socket only: clients on TCP stay refused */
	start(options?: { tcp?: boolean }): void;
	remove(): void;
};

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

function asOwner(): { prefix: string[]; uid?: number; gid?: number } {
	if (process.getuid?.() !== 0) return { prefix: [] };
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	return { prefix: ['runuser', '-u', 'postgres', '--'], uid, gid };
}

export async function createInstance(): Promise<Instance> {
	if (!fs.existsSync(path.join(BIN, 'initdb'))) {
		throw new Error(`no PostgreSQL 15 at ${BIN}: apt-get install postgresql-15 postgresql-15-postgis-3 (or set PG_BIN)`);
	}
	const owner = asOwner();
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-faults-pg-'));
	const data = path.join(root, 'data');
	if (owner.uid !== undefined) fs.chownSync(root, owner.uid, owner.gid!);
	fs.chmodSync(root, 0o755);
	const run = (tool: string, args: string[]) => {
		const [command, ...rest] = [...owner.prefix, path.join(BIN, tool), ...args] as [string, ...string[]];
		execFileSync(command, rest, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
	};
	run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
	const port = await freePort();
	const log = path.join(root, 'server.log');
	let running = false;

	const instance: Instance = {
		port,
		url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
		socketUrl: (db = 'postgres') => `postgres://postgres@${encodeURIComponent(root)}:${port}/${db}`,
		start({ tcp = true } = {}) {
			const options = `-p ${port} -k ${root} -c listen_addresses=${tcp ? '127.0.0.1' : "''"} -c fsync=off -c max_connections=100`;
			run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start']);
			running = true;
		},
		stop() {
			if (!running) return;
			run('pg_ctl', ['-D', data, '-w', '-t', '60', '-m', 'fast', 'stop']);
			running = false;
		},
		remove() {
			try {
				instance.stop();
			} catch {
				// already gone: the folder goes anyway
			}
			fs.rmSync(root, { recursive: true, force: true });
		}
	};
	return instance;
}
