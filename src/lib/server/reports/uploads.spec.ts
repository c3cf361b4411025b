import { describe, expect, it } from 'vitest';
import { takesPhotos } from './uploads';

describe('which routes take large bodies', () => {
	it('only the report form, the reports API and a report in the console', () => {
		expect(['/report', '/api/reports', '/console/reports/12'].every(takesPhotos)).toBe(true);
		expect(['/console/sign-in', '/report/MY-20261129-0001', '/api/me', '/console/reports/12/x', '/reports'].some(takesPhotos)).toBe(false);
	});
});
