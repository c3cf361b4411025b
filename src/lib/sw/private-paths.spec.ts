import { describe, expect, it } from 'vitest';
import { neverCached } from './private-paths';

describe('pages the service worker never keeps', () => {
	it('staff pages and the API, however the path is spelled', () => {
		for (const p of ['/console', '/console/reports/3', '/%63onsole/reports/3', '//console/x', '/Console/x', '/api/me', '/%61pi/me', '/%E0%A4%A'])
			expect(neverCached(p), p).toBe(true);
	});

	it('public pages and their data', () => {
		for (const p of ['/', '/warnings', '/consoles', '/guides/earthquake', '/report/__data.json', '/apis']) expect(neverCached(p), p).toBe(false);
	});
});
