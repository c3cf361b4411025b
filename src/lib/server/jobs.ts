/**
 * Periodic background work in this server process. Each run of a job must be safe in
 * several processes at once (the jobs claim their rows with FOR UPDATE SKIP LOCKED);
 * within one process a run never overlaps the previous one. Failures are logged and
 * the next tick tries again. While the database is away the port has said so once; the
 * ticks then skip quietly until it is back.
 */
import { isUnavailable } from './db/unavailable';

export function every(name: string, everyMs: number, task: () => Promise<unknown>): () => void {
	let running = false;
	const tick = async () => {
		if (running) return;
		running = true;
		try {
			await task();
		} catch (error) {
			if (!isUnavailable(error)) console.error(`safe-miyun: ${name} failed: ${(error as Error).message}`);
		} finally {
			running = false;
		}
	};
	const timer = setInterval(() => void tick(), everyMs);
	// A pending tick must not keep a stopping process alive.
	timer.unref();
	return () => clearInterval(timer);
}
