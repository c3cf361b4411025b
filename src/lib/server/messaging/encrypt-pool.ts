/**
 * RFC 8291 payload encryption (web-push's `encrypt`, aes128gcm) on worker threads: an
 * ECDH key agreement per recipient is the one cost that cannot be shared, and it must
 * not hold up the event loop that answers residents' requests.
 *
 * The worker is evaluated from a string and loads web-push by the path this module
 * resolves, so it works the same under Vite, tsx and the adapter-node build (which
 * keeps dependencies in node_modules).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import webpush from 'web-push';

export type EncryptJob = { p256dh: string; auth: string; payload: string };
/** the aes128gcm body, or why this recipient's keys could not be used */
export type EncryptResult = Uint8Array | { error: string };

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const webpush = require(workerData.webPushPath);
// One throw-away encryption at start: the first warning's first recipients then find the
// code loaded and compiled, not the worker still warming up.
try {
	const { createECDH, randomBytes } = require('node:crypto');
	const key = createECDH('prime256v1');
	webpush.encrypt(key.generateKeys().toString('base64url'), randomBytes(16).toString('base64url'), 'warm-up', 'aes128gcm');
} catch {}
parentPort.on('message', ({ id, jobs }) => {
	const out = [];
	const transfer = [];
	for (const job of jobs) {
		try {
			const body = webpush.encrypt(job.p256dh, job.auth, job.payload, 'aes128gcm').cipherText;
			const copy = new Uint8Array(body.length);
			copy.set(body);
			out.push(copy);
			transfer.push(copy.buffer);
		} catch (error) {
			out.push({ error: String(error && error.message || error).slice(0, 200) });
		}
	}
	parentPort.postMessage({ id, out }, transfer);
});
`;

export function encryptHere(job: EncryptJob): EncryptResult {
	try {
		return webpush.encrypt(job.p256dh, job.auth, job.payload, 'aes128gcm').cipherText;
	} catch (error) {
		return { error: String((error as Error).message ?? error).slice(0, 200) };
	}
}

export class EncryptPool {
	private workers: { worker: Worker; busy: number }[] = [];
	private pending = new Map<number, (out: EncryptResult[]) => void>();
	private nextId = 1;

	/** `size` 0 encrypts on the calling thread (tests, one-core machines). */
	constructor(size = Math.max(1, Math.min(4, os.availableParallelism() - 1))) {
		const webPushPath = createRequire(import.meta.url).resolve('web-push');
		for (let i = 0; i < size; i++) {
			const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { webPushPath } });
			worker.unref();
			const slot = { worker, busy: 0 };
			worker.on('message', ({ id, out }: { id: number; out: EncryptResult[] }) => {
				slot.busy -= 1;
				this.pending.get(id)?.(out);
				this.pending.delete(id);
			});
			worker.on('error', (error) => console.error('encrypt worker failed:', error));
			this.workers.push(slot);
		}
	}

	encrypt(jobs: EncryptJob[]): Promise<EncryptResult[]> {
		if (this.workers.length === 0) return Promise.resolve(jobs.map(encryptHere));
		const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
		const id = this.nextId++;
		slot.busy += 1;
		return new Promise((resolve) => {
			this.pending.set(id, resolve);
			slot.worker.postMessage({ id, jobs });
		});
	}

	async close(): Promise<void> {
		await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
		this.workers = [];
	}
}
