/**
 * The device queue's endpoint answers a bad mark with 400 and a body naming the field,
 * and refuses an oversized body with 413 — before any database work (the route's `db`
 * here throws if called). Refusing non-staff is staff-only.spec.ts's.
 */
import { describe, expect, it } from 'vitest';
import { POST } from './+server';

const staff = { kind: 'staff', userId: crypto.randomUUID(), email: 'x@test.cn', displayName: null, role: 'dispatcher', departmentCode: null, townCode: '110118101', sessionId: null };

async function post(body: string, headers: Record<string, string> = {}) {
	const event = {
		request: new Request('http://localhost/console/evacuation/marks', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }),
		locals: { identity: staff, db: () => { throw new Error('no database work for a bad mark'); } }
	};
	const res = await (POST as unknown as (e: typeof event) => Promise<Response>)(event);
	return { status: res.status, body: await res.json() };
}

describe('POST /console/evacuation/marks', () => {
	it('names what is wrong with a bad mark, and never reaches the database', async () => {
		expect(await post('not json')).toEqual({ status: 400, body: { error: 'body: a JSON object' } });
		expect(await post('[1]')).toEqual({ status: 400, body: { error: 'body: a JSON object' } });
		expect(await post(JSON.stringify({ key: 'k' }))).toEqual({ status: 400, body: { error: 'key: a UUID (the idempotency key)' } });
		const ok = { key: crypto.randomUUID(), household: crypto.randomUUID(), thread: crypto.randomUUID() };
		expect(await post(JSON.stringify({ ...ok, status: 'moved', how: 'by boat' }))).toEqual({ status: 400, body: { error: 'how: one of shelter, relatives, elsewhere' } });
		expect(await post(JSON.stringify({ ...ok, status: 'refused', marked_at: 'yesterday' }))).toEqual({ status: 400, body: { error: 'marked_at: an ISO 8601 time' } });
	});

	it('refuses a body over 4 KiB', async () => {
		expect((await post('x'.repeat(5000))).status).toBe(413);
	});
});
