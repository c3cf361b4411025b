import { describe, expect, it } from 'vitest';
import { crossSiteForm } from './csrf';

describe('cross-site form posts', () => {
	const url = new URL('https://safe.miyun.test/console/sign-in');
	const post = (headers: Record<string, string>, method = 'POST', at = url, routeId: string | null = '/console/sign-in') =>
		crossSiteForm(new Request(at, { method, headers, body: method === 'GET' ? undefined : 'x' }), at, routeId);
	const form = { 'content-type': 'application/x-www-form-urlencoded' };

	it('refuses a form post from another origin or without one, as SvelteKit would', () => {
		expect(post({ ...form, origin: 'https://evil.example' })).toBe(true);
		expect(post(form)).toBe(true);
		expect(post({ 'content-type': 'multipart/form-data; boundary=x', origin: 'null' })).toBe(true);
		expect(post({ 'content-type': 'text/plain' }, 'DELETE')).toBe(true);
	});

	it('lets same-origin forms, non-form bodies and reads through', () => {
		expect(post({ ...form, origin: url.origin })).toBe(false);
		expect(post({ 'content-type': 'application/json' })).toBe(false);
		expect(post({}, 'GET')).toBe(false);
	});

	it('lets Open311 clients post without an Origin: only an API key in the request authorises them', () => {
		expect(post(form, 'POST', new URL('https://safe.miyun.test/open311/v2/requests.json'), '/open311/v2/requests.[format]')).toBe(false);
		expect(post(form, 'POST', new URL('https://safe.miyun.test/open311-not/x'), null)).toBe(true);
	});
});
