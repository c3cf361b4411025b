import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
	it('allows the limit within the window, then says how long to wait, per key', () => {
		const limiter = new RateLimiter(3, 60_000);
		const t0 = 1_000_000;
		expect([limiter.hit('a', t0), limiter.hit('a', t0 + 1), limiter.hit('a', t0 + 2)]).toEqual([0, 0, 0]);
		expect(limiter.hit('a', t0 + 3)).toBe(60);
		expect(limiter.hit('b', t0 + 3)).toBe(0);
		expect(limiter.hit('a', t0 + 60_001)).toBe(0);
	});
});
