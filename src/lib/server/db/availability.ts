/**
 * Whether the database answers, as one state per process: "up", or "down since T because
 * R". Every failed or successful operation reports here; the state logs one line when
 * it changes (not a stack per request), and while down a probe with backoff and jitter
 * finds out when the database is back, so waiting background work resumes on its own.
 */
import { backoffMs, isUnavailable } from './unavailable';

export type PoolStatus = { available: true } | { available: false; reason: string; since: string };

export type Availability = {
	status(): PoolStatus;
	/** an operation failed because the database is unavailable */
	failed(reason: string): void;
	/** an operation succeeded */
	succeeded(): void;
	/** resolves at once when up, else when the database is back (or the process closes it) */
	whenAvailable(): Promise<void>;
	close(): void;
};

type Log = { info(line: string): void; warn(line: string): void };
export const consoleLog: Log = { info: (line) => console.log(line), warn: (line) => console.error(line) };

export function availability(probe: () => Promise<void>, log: Log = consoleLog): Availability {
	let down: { reason: string; since: Date } | null = null;
	let waiters: (() => void)[] = [];
	let probing = false;
	let closed = false;

	const wake = () => {
		const list = waiters;
		waiters = [];
		for (const resolve of list) resolve();
	};

	const self: Availability = {
		status: () => (down ? { available: false, reason: down.reason, since: down.since.toISOString() } : { available: true }),
		failed(reason) {
			if (closed || down) return;
			down = { reason, since: new Date() };
			log.warn(`safe-miyun: database unavailable (${reason}); retrying with backoff`);
			void runProbe();
		},
		succeeded() {
			if (!down) return;
			const seconds = ((Date.now() - down.since.getTime()) / 1000).toFixed(1);
			down = null;
			log.info(`safe-miyun: database available again after ${seconds} s`);
			wake();
		},
		whenAvailable: () => (down && !closed ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve()),
		close() {
			closed = true;
			wake();
		}
	};

	async function runProbe() {
		if (probing) return;
		probing = true;
		try {
			for (let attempt = 0; down && !closed; attempt++) {
				await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)).unref());
				if (!down || closed) break;
				try {
					await probe();
					self.succeeded();
				} catch (error) {
					// Anything else (say, a password changed during the restart) is still "down",
					// but say what it is once.
					if (!isUnavailable(error) && down) down.reason = (error as Error).message.split('\n')[0]!;
				}
			}
		} finally {
			probing = false;
		}
	}

	return self;
}
