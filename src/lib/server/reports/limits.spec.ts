import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../rate-limit';
import { clock, reportLimit } from './limits';

describe('report rate limits', () => {
	it('refuses the 6th report from one device within 10 minutes and says when to try again', () => {
		const limits = { reportsPerAddress: new RateLimiter(20, 3600_000), reportsPerDevice: new RateLimiter(5, 600_000) };
		const t0 = Date.UTC(2026, 10, 29, 1, 0, 0);
		for (let i = 0; i < 5; i++) expect(reportLimit(limits, '10.0.0.1', 'dev-a', t0 + i)).toBeNull();
		const until = reportLimit(limits, '10.0.0.1', 'dev-a', t0 + 10);
		expect(until).not.toBeNull();
		expect(clock(until!)).toBe('09:10');
		// Another device at the same address still may.
		expect(reportLimit(limits, '10.0.0.1', 'dev-b', t0 + 20)).toBeNull();
	});
	it('refuses an address past its hourly limit whatever the device', () => {
		const limits = { reportsPerAddress: new RateLimiter(2, 3600_000), reportsPerDevice: new RateLimiter(5, 600_000) };
		expect(reportLimit(limits, '10.0.0.2', null, 0)).toBeNull();
		expect(reportLimit(limits, '10.0.0.2', 'x', 1)).toBeNull();
		expect(reportLimit(limits, '10.0.0.2', 'y', 2)).not.toBeNull();
	});
});
