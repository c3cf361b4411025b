import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { ANON, type Identity } from './auth/identity';
import { RateLimiter } from './rate-limit';
import { anonymousLimits, budgetsFor, type AnonymousLimits } from './request-limits';

const fresh = (): AnonymousLimits => ({ anonWrites: new RateLimiter(30, 60_000), api: new RateLimiter(300, 60_000), receipts: new RateLimiter(600, 60_000) });

/** Runs the hook as SvelteKit would: the route it matched, whatever the raw path. */
function hit(limits: AnonymousLimits, method: string, rawPath: string, routeId: string | null, identity: Identity = ANON, address = '10.0.0.1') {
	const event = {
		request: new Request(`http://localhost${rawPath}`, { method }),
		url: new URL(`http://localhost${rawPath}`),
		route: { id: routeId },
		locals: { identity },
		getClientAddress: () => address
	} as unknown as RequestEvent;
	return anonymousLimits(() => limits)({ event, resolve: async () => new Response('ok') }) as Promise<Response>;
}

async function statuses(n: number, run: () => Promise<Response>): Promise<Record<number, number>> {
	const out: Record<number, number> = {};
	for (let i = 0; i < n; i++) {
		const s = (await run()).status;
		out[s] = (out[s] ?? 0) + 1;
	}
	return out;
}

describe('anonymous limits aim at writes and expensive reads', () => {
	it('public reads from one address (a carrier NAT) are never refused', async () => {
		const limits = fresh();
		// A whole township behind one address asking for the nearest shelter, the warnings and the feed.
		expect(await statuses(2000, () => hit(limits, 'GET', '/api/shelters/nearest?lat=40.4&lon=116.8', '/api/shelters/nearest'))).toEqual({ 200: 2000 });
		expect(await statuses(500, () => hit(limits, 'GET', '/warnings', '/warnings'))).toEqual({ 200: 500 });
		expect(await statuses(500, () => hit(limits, 'GET', '/cap/feed.atom', '/cap/feed.atom'))).toEqual({ 200: 500 });
	});

	it('writes are limited per address, whatever the path spelling', async () => {
		const limits = fresh();
		const res = await statuses(31, () => hit(limits, 'POST', '/%61pi/subscriptions', '/api/subscriptions'));
		expect(res).toEqual({ 200: 30, 429: 1 });
		const refused = await hit(limits, 'POST', '/report', '/report');
		expect(refused.status).toBe(429);
		expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
		expect((await hit(limits, 'POST', '/report', '/report', ANON, '10.0.0.2')).status).toBe(200);
	});

	it('chatting with the assistant spends none of the writes’ budget: a report still goes through after', async () => {
		const limits = fresh();
		expect(await statuses(40, () => hit(limits, 'POST', '/api/assistant', '/api/assistant'))).toEqual({ 200: 40 });
		expect(await statuses(40, () => hit(limits, 'POST', '/assistant?/send', '/assistant'))).toEqual({ 200: 40 });
		expect((await hit(limits, 'POST', '/api/reports', '/api/reports')).status).toBe(200);
	});

	it('an Open311 search spelled with an encoded path spends the same budget, and is refused in the spec’s format', async () => {
		const limits = fresh();
		const res = await statuses(301, () => hit(limits, 'GET', '/%6fpen311/v2/requests.json', '/open311/v2/requests.[format]'));
		expect(res).toEqual({ 200: 300, 429: 1 });
		const body = await (await hit(limits, 'GET', '/open311/v2/requests.json', '/open311/v2/requests.[format]')).json();
		expect(body).toEqual([{ code: 429, description: expect.stringMatching(/too many requests/) }]);
	});

	it('staff and API keys are not limited here; receipts and WeChat have their own budgets', async () => {
		const limits = fresh();
		const key: Identity = { kind: 'apikey', id: 'k', name: 'feed', role: 'warning_issuer' };
		expect(await statuses(40, () => hit(limits, 'POST', '/api/cap', '/api/cap', key))).toEqual({ 200: 40 });
		expect(budgetsFor('POST', '/api/subscriptions/receipts')).toEqual(['receipts']);
		expect(budgetsFor('POST', '/wechat')).toEqual([]);
		expect(budgetsFor('GET', null)).toEqual([]);
		expect(budgetsFor('GET', '/open311/v2/media/[id]')).toEqual(['api']);
	});
});
