/**
 * The Supabase Auth path end to end against a stand-in for GoTrue on 127.0.0.1: real
 * HTTP, a real ES256 key published as JWKS, the app's own verification and staff lookup.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { createAuth, type Auth } from '../services';
import { linkStaff } from '../staff';
import { backends } from '../testing/db';

const USER_ID = '5b0c3f7e-3c1a-4f6e-9d1e-2f5a8c9b0a11';
const ANON_KEY = 'test-anon-key';

describe('Supabase Auth (stand-in GoTrue)', () => {
	let db: Database;
	let server: http.Server;
	let url: string;
	let auth: Auth;
	let signingKey: CryptoKey;
	const loggedOut: string[] = [];

	const token = (key: CryptoKey, { sub = USER_ID, iss = `${url}/auth/v1` } = {}) =>
		new SignJWT({ role: 'authenticated', email: 'duty@miyun.test', session_id: 'abc' })
			.setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
			.setSubject(sub)
			.setIssuer(iss)
			.setAudience('authenticated')
			.setIssuedAt()
			.setExpirationTime('1h')
			.sign(key);

	beforeAll(async () => {
		const pair = await generateKeyPair('ES256');
		signingKey = pair.privateKey;
		const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
		server = http.createServer(async (req, res) => {
			let body = '';
			for await (const chunk of req) body += chunk;
			if (req.headers.apikey !== ANON_KEY) return res.writeHead(401).end();
			if (req.url === '/auth/v1/.well-known/jwks.json') return res.end(JSON.stringify({ keys: [jwk] }));
			if (req.url === '/auth/v1/token?grant_type=password' && req.method === 'POST') {
				const { email, password } = JSON.parse(body);
				if (email !== 'duty@miyun.test' || password !== 'right password') {
					return res.writeHead(400).end(JSON.stringify({ error: 'invalid_grant' }));
				}
				return res.end(JSON.stringify({ access_token: await token(signingKey), expires_in: 3600, user: { id: USER_ID } }));
			}
			if (req.url === '/auth/v1/logout' && req.method === 'POST') {
				loggedOut.push(String(req.headers.authorization));
				return res.writeHead(204).end();
			}
			res.writeHead(404).end();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

		db = await backends()[0]!.open();
		// GoTrue owns auth.users on Supabase; here the row stands in for the user it made.
		await asService(db, (tx) => tx.query(`insert into auth.users (id, email) values ($1, 'duty@miyun.test')`, [USER_ID]));
		await linkStaff(db, { email: 'duty@miyun.test', role: 'dispatcher', townCode: '110118111' });
		auth = await createAuth(readConfig({ PUBLIC_SUPABASE_URL: url, PUBLIC_SUPABASE_ANON_KEY: ANON_KEY }), db);
	});
	afterAll(async () => {
		await db?.close();
		server?.close();
	});

	it('signs in through GoTrue and the token identifies the staff member via the JWKS', async () => {
		expect(auth.provider).toBe('supabase');
		const result = await auth.signIn('duty@miyun.test', 'right password', '192.0.2.1', 'test');
		if (!result.ok) throw new Error('sign-in failed');
		expect(await auth.identify({ bearer: null, sessionToken: result.token })).toMatchObject({
			kind: 'staff',
			role: 'dispatcher',
			townCode: '110118111'
		});
	});

	it('answers a wrong password as invalid', async () => {
		expect(await auth.signIn('duty@miyun.test', 'wrong', '192.0.2.1', 'test')).toEqual({ ok: false, reason: 'invalid' });
	});

	it('refuses tokens signed by another key, for another issuer, or already expired', async () => {
		const other = (await generateKeyPair('ES256')).privateKey;
		expect(await auth.identify({ bearer: await token(other), sessionToken: null })).toBe('invalid');
		expect(await auth.identify({ bearer: await token(signingKey, { iss: 'https://evil.example/auth/v1' }), sessionToken: null })).toBe('invalid');
		const expired = await new SignJWT({ role: 'authenticated' })
			.setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
			.setSubject(USER_ID)
			.setIssuer(`${url}/auth/v1`)
			.setAudience('authenticated')
			.setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
			.setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
			.sign(signingKey);
		expect(await auth.identify({ bearer: expired, sessionToken: null })).toBe('invalid');
	});

	it('a valid token of a user without a staff profile is nobody on the console', async () => {
		const stranger = await token(signingKey, { sub: '00000000-0000-4000-8000-000000000000' });
		expect(await auth.identify({ bearer: null, sessionToken: stranger })).toEqual({ kind: 'anon' });
	});

	it('sign-out revokes the session at GoTrue', async () => {
		const result = await auth.signIn('duty@miyun.test', 'right password', '192.0.2.1', 'test');
		if (!result.ok) throw new Error('sign-in failed');
		const who = await auth.identify({ bearer: null, sessionToken: result.token });
		if (who === 'invalid' || who.kind !== 'staff') throw new Error('not staff');
		await auth.signOut(who, result.token);
		expect(loggedOut).toContain(`Bearer ${result.token}`);
	});
});

describe('tokens with ids that are not UUIDs', () => {
	it('identify nobody instead of failing the request', async () => {
		const db = await backends()[0]!.open();
		try {
			const { createIssuer } = await import('./issuer');
			const { localSigner } = await import('./tokens');
			const { resolveIdentity } = await import('./identity');
			const secret = 'a-test-secret-that-is-long-enough-0123456789';
			const issuer = createIssuer(db, secret, 1);
			const signer = localSigner(secret);
			const later = new Date(Date.now() + 3600_000);
			for (const claims of [
				{ sub: 'not-a-uuid', email: 'x@y.cn', session_id: '5b0c3f7e-3c1a-4f6e-9d1e-2f5a8c9b0a11' },
				{ sub: '5b0c3f7e-3c1a-4f6e-9d1e-2f5a8c9b0a11', email: 'x@y.cn', session_id: 'abc' }
			]) {
				const bad = await signer.sign(claims, later);
				expect(await resolveIdentity(db, issuer.verify, true, { bearer: null, sessionToken: bad })).toEqual({ kind: 'anon' });
			}
		} finally {
			await db.close();
		}
	});
});
