/**
 * The assistant page over its budget: without JavaScript the action still renders the page
 * (never the hook's raw JSON), with when to ask again in both languages, and an emergency
 * still gets its call box.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS } from '$lib/server/db/caller';
import type { Database, Queryable } from '$lib/server/db/port';
import { RateLimiter } from '$lib/server/rate-limit';
import { setServices } from '$lib/server/runtime';
import type { Services } from '$lib/server/services';
import { as, backends } from '$lib/server/testing/db';
import { actions } from './+page.server';

type Result = { status?: number; data?: Record<string, unknown> } & Record<string, unknown>;

describe.each(backends())('the assistant page over its budget on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
		const limits = {
			assistantPerClient: new RateLimiter(1, 60_000),
			assistantPerAddress: new RateLimiter(600, 60_000),
			reportsPerAddress: new RateLimiter(100, 60_000),
			reportsPerDevice: new RateLimiter(100, 60_000)
		};
		setServices({ limits } as unknown as Services);
	});
	afterAll(async () => {
		setServices(null);
		await db?.close();
	});

	const send = async (message: string) => {
		const body = new FormData();
		body.set('message', message);
		const event = {
			request: new Request('http://localhost/assistant?/send', { method: 'POST', body }),
			locals: { db: <T>(work: (tx: Queryable) => Promise<T>) => as(db, ANON_CLAIMS, work), identity: { kind: 'anon' }, lang: 'en' },
			cookies: { get: () => 'device-aaaaaaaaaaaaaaaaaaaa', set: () => undefined },
			getClientAddress: () => '10.6.6.6'
		};
		return (await (actions.send as (e: unknown) => Promise<Result>)(event)) as Result;
	};

	it('renders the page with when to ask again, and still calls for an emergency', async () => {
		expect(await send('hello')).toMatchObject({ error: null });
		const refused = await send('Is Gubei Water Town open today?');
		expect(refused).toMatchObject({ status: 429, data: { error: 'assistant.page.rate_limited', message: 'Is Gubei Water Town open today?' } });
		const words = refused.data!.limited as Record<string, string>;
		expect(words.en).toMatch(/again in \d+ seconds/);
		expect(words['zh-CN']).toMatch(/\d+ 秒后再问/);
		const fire = await send('smoke in the stairwell, run up or down?');
		const history = fire.history as { from: string; text: string; intent?: string; links?: { href: string }[] }[];
		expect(history.at(-1)).toMatchObject({ from: 'assistant', intent: 'emergency' });
		expect(history.at(-1)?.links?.[0]?.href).toBe('tel:119');
	});
});
