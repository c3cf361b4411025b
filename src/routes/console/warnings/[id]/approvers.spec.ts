/**
 * A waiting orange or red warning where nobody else may approve it (a fresh install with one
 * issuer): the page must say so and what to do, not stay silent (outside tester, 2026-12-05).
 * The load tells "nobody may" ([]) apart from "not for this reader to know" (null).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '$lib/server/db/caller';
import type { Database } from '$lib/server/db/port';
import { as, backends, staffClaims } from '$lib/server/testing/db';
import * as warnings from '$lib/server/warnings/store';
import { rainstorm } from '$lib/server/warnings/testing/fixtures';
import { load } from './+page.server';

describe.each(backends())('who may approve, on the warning page, on $name', (backend) => {
	let db: Database;
	let solo: Claims;

	beforeAll(async () => {
		db = await backend.open();
		solo = await staffClaims(db, 'solo@approvers.cn', 'warning_issuer');
	}, 120_000);
	afterAll(() => db?.close());

	const page = async (claims: Claims, role: string, id: string) => {
		const locals = { identity: { kind: 'staff', userId: claims.sub, email: claims.email, role }, db: <T>(fn: (tx: never) => Promise<T>) => as(db, claims, fn as never) };
		return (await load({ locals, params: { id }, url: new URL(`http://x/console/warnings/${id}`) } as unknown as Parameters<typeof load>[0])) as { approvers: string[] | null };
	};

	it('says nobody may to the only issuer, and names the second one once there is one', async () => {
		const id = await as(db, solo, async (tx) => {
			const saved = await warnings.saveDraft(tx, rainstorm({ level: 'red' }));
			if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
			expect(await warnings.submit(tx, saved.id)).toEqual({ ok: true, state: 'pending' });
			return saved.id;
		});
		expect((await page(solo, 'warning_issuer', id)).approvers).toEqual([]);
		await staffClaims(db, 'second@approvers.cn', 'warning_issuer');
		expect((await page(solo, 'warning_issuer', id)).approvers).toEqual(['second@approvers.cn']);
		// Once it is not waiting, there is nothing to say (null, not "nobody").
		const issued = await as(db, solo, async (tx) => {
			const saved = await warnings.saveDraft(tx, rainstorm({ level: 'yellow' }));
			if ('errors' in saved) throw new Error(JSON.stringify(saved.errors));
			await warnings.submit(tx, saved.id);
			return saved.id;
		});
		expect((await page(solo, 'warning_issuer', issued)).approvers).toBeNull();
	});
});
