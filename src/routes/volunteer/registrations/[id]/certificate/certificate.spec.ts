/** Without a volunteer session (or staff's), a certificate link goes to sign-in, as /volunteer/me does; it was a 500. */
import { describe, expect, it } from 'vitest';
import { ANON } from '$lib/server/auth/identity';
import { load } from './+page.server';

describe('a certificate without a session', () => {
	it('redirects to the volunteer sign-in, reading nothing', async () => {
		const locals = { volunteer: null, identity: ANON, db: () => Promise.reject(new Error('no database work expected')) };
		await expect(load({ locals, params: { id: crypto.randomUUID() } } as unknown as Parameters<typeof load>[0])).rejects.toMatchObject({ status: 303, location: '/volunteer/sign-in' });
	});
});
