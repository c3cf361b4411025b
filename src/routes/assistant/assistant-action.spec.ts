/** The assistant page's action: a body that cannot be read as a form is a 400 with the page's words, never a 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS } from '$lib/server/db/caller';
import type { Database, Queryable } from '$lib/server/db/port';
import { as, backends } from '$lib/server/testing/db';
import { actions } from './+page.server';

describe.each(backends())('the assistant page on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('answers a broken multipart body with 400', async () => {
		const event = {
			request: new Request('http://localhost/assistant?/send', { method: 'POST', body: '--x\r\nbroken', headers: { 'content-type': 'multipart/form-data; boundary=x' } }),
			locals: { db: <T>(work: (tx: Queryable) => Promise<T>) => as(db, ANON_CLAIMS, work), identity: { kind: 'anon' }, lang: 'en' },
			cookies: { get: () => undefined, set: () => undefined },
			getClientAddress: () => '10.1.2.5'
		};
		const answer = await (actions.send as (e: unknown) => Promise<{ status: number; data: { error: string } }>)(event);
		expect(answer).toMatchObject({ status: 400, data: { error: 'assistant.page.empty' } });
	});
});
