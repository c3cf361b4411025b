/**
 * POST /api/assistant on a real database: the reply follows the message's language when
 * no "lang" is sent, and over its budget an emergency still gets its call box while
 * anything else gets a 429 with words in both languages, the wait and the numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '$lib/i18n';
import { ANON_CLAIMS } from '$lib/server/db/caller';
import type { Database, Queryable } from '$lib/server/db/port';
import { RateLimiter } from '$lib/server/rate-limit';
import { setServices } from '$lib/server/runtime';
import type { Services } from '$lib/server/services';
import { as, backends } from '$lib/server/testing/db';
import { POST } from './+server';

type Body = Record<string, unknown> & { reply?: string; intent?: string; links?: { href: string; title: string }[] };

describe.each(backends())('POST /api/assistant on $name', (backend) => {
	let db: Database;
	const fresh = (perClient: number) => ({
		assistantPerClient: new RateLimiter(perClient, 60_000),
		assistantPerAddress: new RateLimiter(600, 60_000),
		reportsPerAddress: new RateLimiter(100, 60_000),
		reportsPerDevice: new RateLimiter(100, 60_000)
	});
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		setServices(null);
		await db?.close();
	});

	const post = async (body: unknown, lang: Lang, address = '10.7.7.7') => {
		const event = {
			request: new Request('http://localhost/api/assistant', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
			locals: { db: <T>(work: (tx: Queryable) => Promise<T>) => as(db, ANON_CLAIMS, work), identity: { kind: 'anon' }, lang },
			cookies: { get: () => undefined, set: () => undefined },
			getClientAddress: () => address
		};
		const response = await (POST as (e: unknown) => Promise<Response>)(event);
		return { status: response.status, retry: response.headers.get('retry-after'), body: (await response.json()) as Body };
	};

	it('answers in the message’s language when no lang is sent, else the caller’s', async () => {
		setServices({ limits: fresh(100) } as unknown as Services);
		const en = await post({ message: 'Any warnings now?' }, 'zh-CN');
		expect(en).toMatchObject({ status: 200, body: { intent: 'warnings' } });
		expect(en.body.links?.at(-1)?.title).toBe('All warnings');
		const zh = await post({ message: '现在有预警吗' }, 'en');
		expect(zh.body.reply).toMatch(/预警/);
		// Nothing to tell the language by: the caller's (Accept-Language or the saved choice).
		const digits = await post({ message: '110' }, 'en');
		expect(digits.body.reply).not.toMatch(/\p{Script=Han}/u);
		// A lang sent is obeyed.
		expect((await post({ message: 'Any warnings now?', lang: 'zh-CN' }, 'en')).body.reply).toMatch(/预警/);
	});

	it('over its budget still calls for an emergency, and says in both languages when to ask again otherwise', async () => {
		setServices({ limits: fresh(2) } as unknown as Services);
		for (let i = 0; i < 2; i++) expect((await post({ message: 'hello' }, 'en')).status).toBe(200);
		const refused = await post({ message: 'Is Gubei Water Town open today?' }, 'en');
		expect(refused.status).toBe(429);
		expect(refused.retry).toMatch(/^\d+$/);
		expect(refused.body).toMatchObject({ retryAfterSeconds: Number(refused.retry) });
		expect(String(refused.body.error)).toContain(`${refused.retry} seconds`);
		expect(String(refused.body.error_zh)).toContain(`${refused.retry} 秒`);
		expect(refused.body.links?.map((l) => l.href)).toEqual(['tel:110', 'tel:120', 'tel:119']);
		const fire = await post({ message: '楼道全是烟 往上跑还是往下跑' }, 'zh-CN');
		expect(fire).toMatchObject({ status: 200, body: { intent: 'emergency' } });
		expect(fire.body.reply?.split('\n')[0]).toContain('119');
		expect(fire.body.links?.[0]?.href).toBe('tel:119');
		// Another address behind no limit of its own is not refused for this one's questions.
		expect((await post({ message: 'hello' }, 'en', '10.7.7.8')).status).toBe(200);
	});
});
