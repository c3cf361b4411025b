import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { HSTS, securityHeaders } from './security-headers';

const run = async (origin: string) => {
	const event = { url: new URL(`${origin}/warnings`) } as unknown as RequestEvent;
	return (await securityHeaders({ event, resolve: async () => new Response('ok') })).headers;
};

describe('security headers', () => {
	it('sends HSTS only when the site is served over https', async () => {
		expect((await run('https://safe.miyun.example')).get('strict-transport-security')).toBe(HSTS);
		expect((await run('http://localhost:3000')).get('strict-transport-security')).toBeNull();
	});

	it('always: no sniffing, a referrer without path or query elsewhere, no framing', async () => {
		const headers = await run('http://localhost:3000');
		expect(headers.get('x-content-type-options')).toBe('nosniff');
		expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
		expect(headers.get('x-frame-options')).toBe('DENY');
	});
});
