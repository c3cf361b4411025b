/**
 * The /report form's action on a real database: the "already reported nearby?" lookup
 * answers about other people's reports, so it counts against the report limits like a
 * filing does — it cannot be repeated freely from chosen points (issue 14, item 3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS } from '$lib/server/db/caller';
import type { Database, Queryable } from '$lib/server/db/port';
import { RateLimiter } from '$lib/server/rate-limit';
import { REPORTS_PER_ADDRESS, REPORTS_PER_DEVICE } from '$lib/server/reports/limits';
import { preparePhotos, submit } from '$lib/server/reports/submit';
import { draft } from '$lib/server/reports/testing';
import { setServices } from '$lib/server/runtime';
import type { Services } from '$lib/server/services';
import { as, backends } from '$lib/server/testing/db';
import { actions } from './+page.server';

describe.each(backends())('the report form on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
		// Someone else's open report, to be found nearby.
		await as(db, ANON_CLAIMS, async (tx) => submit(tx, draft({ category: 'gas', lat: 40.377, lon: 116.843 }), await preparePhotos([])));
	});
	afterAll(async () => {
		setServices(null);
		await db?.close();
	});

	const post = (device: string) => {
		const d = draft({ category: 'gas', lat: 40.3771, lon: 116.8431, description: 'Smell of gas near the market gate' });
		const form = new FormData();
		for (const [k, v] of Object.entries(d)) form.set(k, v === null ? '' : String(v));
		form.set('emergency_seen', '1');
		const event = {
			request: new Request('http://localhost/report?/submit', { method: 'POST', body: form }),
			locals: { db: <T>(work: (tx: Queryable) => Promise<T>) => as(db, ANON_CLAIMS, work), identity: { kind: 'anon' }, lang: 'zh-CN' },
			cookies: { get: (name: string) => (name === 'sm_device' ? device : undefined), set: () => undefined },
			getClientAddress: () => '10.1.2.3'
		};
		return (actions.submit as (e: unknown) => Promise<{ status: number; data: { nearby: unknown[] | null; retryAt: string | null } }>)(event);
	};

	it('counts each nearby lookup against the device’s report limit', async () => {
		const limits = {
			reportsPerAddress: new RateLimiter(REPORTS_PER_ADDRESS.limit, REPORTS_PER_ADDRESS.windowMs),
			reportsPerDevice: new RateLimiter(REPORTS_PER_DEVICE.limit, REPORTS_PER_DEVICE.windowMs)
		};
		setServices({ limits } as unknown as Services);
		const device = 'device-0000-0000-0000-000000000001';
		for (let i = 0; i < REPORTS_PER_DEVICE.limit; i++) {
			const answer = await post(device);
			expect(answer.status, `lookup ${i + 1}`).toBe(400);
			expect(answer.data.nearby?.length, `lookup ${i + 1}`).toBeGreaterThan(0);
		}
		const refused = await post(device);
		expect(refused.status).toBe(429);
		expect(refused.data.nearby).toBeNull();
		expect(refused.data.retryAt).toMatch(/^\d\d:\d\d$/);
	});

	it('answers a body that is not a form with 400 and the form’s message, never 500', async () => {
		const event = {
			request: new Request('http://localhost/report?/submit', {
				method: 'POST',
				body: '--x\r\nbroken',
				headers: { 'content-type': 'multipart/form-data; boundary=x' }
			}),
			locals: { db: <T>(work: (tx: Queryable) => Promise<T>) => as(db, ANON_CLAIMS, work), identity: { kind: 'anon' }, lang: 'zh-CN' },
			cookies: { get: () => undefined, set: () => undefined },
			getClientAddress: () => '10.1.2.4'
		};
		for (const action of [actions.submit, actions.join]) {
			const answer = await (action as (e: unknown) => Promise<{ status: number; data: { errors: Record<string, string> } }>)({ ...event, request: event.request.clone() });
			expect(answer.status).toBe(400);
			expect(Object.values(answer.data.errors)).toHaveLength(1);
		}
	});
});
