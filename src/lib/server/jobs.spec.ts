import { afterEach, describe, expect, it, vi } from 'vitest';
import { every } from './jobs';

describe('every', () => {
	afterEach(() => {
		vi.useRealTimers();
		vi.restoreAllMocks();
	});

	it('never overlaps a slow run, goes on after a failure, and stops', async () => {
		vi.useFakeTimers();
		const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		let runs = 0;
		let release: () => void = () => undefined;
		const stop = every('test job', 1000, async () => {
			runs += 1;
			if (runs === 1) await new Promise<void>((r) => (release = r));
			if (runs === 2) throw new Error('database away');
		});
		await vi.advanceTimersByTimeAsync(3500); // ticks at 1 s, 2 s, 3 s: the first run is still going
		expect(runs).toBe(1);
		release();
		await vi.advanceTimersByTimeAsync(1000); // second run fails, and is logged
		expect(runs).toBe(2);
		expect(logged).toHaveBeenCalledWith('safe-miyun: test job failed: database away');
		await vi.advanceTimersByTimeAsync(1000);
		expect(runs).toBe(3);
		stop();
		await vi.advanceTimersByTimeAsync(5000);
		expect(runs).toBe(3);
	});
});
