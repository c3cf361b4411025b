/**
 * The Supabase Auth path end to end, through supabase-js, against a stand-in for
 * Supabase Auth (GoTrue) on 127.0.0.1: real HTTP, a real ES256 key published as JWKS,
 * the app's own verification, staff lookup and volunteer sessions. The stand-in answers
 * exactly the endpoints the client calls and records each call, so a test also shows
 * which calls were made (and which were not). No network beyond the loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../config';
import { asService } from '../db/caller';
import type { Database } from '../db/port';
import { messagesFor, translatorFor } from '../i18n';
import { codeSender } from '../messaging/sms/codes';
import { setServices } from '../runtime';
import { createAuth, resumeSession, type Auth, type Services } from '../services';
import { linkStaff } from '../staff';
import { backends } from '../testing/db';
import { CODE_ATTEMPTS, requestCode, verifyCode, volunteerFromToken } from '../volunteers/sign-in';
import { REFRESH_COOKIE, SESSION_COOKIE } from './cookie';

const STAFF_ID = '5b0c3f7e-3c1a-4f6e-9d1e-2f5a8c9b0a11';
const STRANGER_ID = '00000000-0000-4000-8000-000000000000';
const ANON_KEY = 'test-anon-key';
const PASSWORD = 'right password';
/** The only code the stand-in accepts. */
const OTP = '246810';

type Call = { method: string; path: string; body: Record<string, unknown>; authorization?: string };

/** A stand-in for Supabase Auth: users by e-mail, refresh tokens used once, SMS codes by phone. */
async function standIn() {
	const pair = await generateKeyPair('ES256');
	const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
	const calls: Call[] = [];
	const users = new Map([
		['duty@miyun.test', STAFF_ID],
		['stranger@miyun.test', STRANGER_ID]
	]);
	const refreshTokens = new Map<string, string>();
	const phoneUsers = new Map<string, string>();
	const state = {
		url: '',
		/** What the next tokens are signed with (a test swaps in another key). */
		key: pair.privateKey as CryptoKey,
		/** Seconds the next access token lives; negative: already expired. */
		accessSeconds: 3600,
		/** Answer every call with this status (a test simulates an outage). */
		down: 0,
		/** The phone claim of the next OTP session (a test makes it another phone's). */
		phoneClaim: null as string | null,
		calls,
		signingKey: pair.privateKey as CryptoKey
	};

	const token = (claims: { sub: string; email?: string; phone?: string }, seconds = state.accessSeconds) => {
		const now = Math.floor(Date.now() / 1000);
		return new SignJWT({ role: 'authenticated', session_id: randomUUID(), email: claims.email, phone: claims.phone })
			.setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
			.setSubject(claims.sub)
			.setIssuer(`${state.url}/auth/v1`)
			.setAudience('authenticated')
			.setIssuedAt(now - 10)
			.setExpirationTime(now + seconds)
			.sign(state.key);
	};
	const session = async (user: { id: string; email?: string; phone?: string }) => {
		const refresh = randomUUID();
		refreshTokens.set(refresh, user.id);
		return {
			access_token: await token({ sub: user.id, email: user.email, phone: user.phone }),
			token_type: 'bearer',
			expires_in: state.accessSeconds,
			refresh_token: refresh,
			user: { id: user.id, aud: 'authenticated', role: 'authenticated', email: user.email ?? '', phone: user.phone ?? '', app_metadata: {}, user_metadata: {}, created_at: new Date().toISOString() }
		};
	};
	const refuse = (res: http.ServerResponse, status: number, error_code: string, msg: string) =>
		res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: status, error_code, msg }));

	const server = http.createServer(async (req, res) => {
		// Down or not as the request arrives: one sent while down must not be answered as up
		// because its body was read after a test turned Supabase back on.
		const down = state.down;
		let raw = '';
		for await (const chunk of req) raw += chunk;
		const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
		const path = (req.url ?? '').replace(/^\/auth\/v1/, '');
		if (req.headers.apikey !== ANON_KEY) return refuse(res, 401, 'no_api_key', 'No API key found in request');
		if (path === '/.well-known/jwks.json') return res.end(JSON.stringify({ keys: [jwk] }));
		calls.push({ method: req.method ?? '', path, body, authorization: req.headers.authorization });
		if (down) return refuse(res, down, 'unexpected_failure', 'Service unavailable');
		const json = (value: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));

		if (path === '/token?grant_type=password' && req.method === 'POST') {
			const id = users.get(String(body.email));
			if (!id || body.password !== PASSWORD) return refuse(res, 400, 'invalid_credentials', 'Invalid login credentials');
			return json(await session({ id, email: String(body.email) }));
		}
		if (path === '/token?grant_type=refresh_token' && req.method === 'POST') {
			const id = refreshTokens.get(String(body.refresh_token));
			// Supabase rotates refresh tokens: each is good once.
			if (!id) return refuse(res, 400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
			refreshTokens.delete(String(body.refresh_token));
			return json(await session({ id, email: [...users].find(([, v]) => v === id)?.[0] }));
		}
		if (path === '/otp' && req.method === 'POST') {
			const phone = String(body.phone).replace(/^\+/, '');
			if (!phoneUsers.has(phone)) phoneUsers.set(phone, randomUUID());
			return json({ message_id: 'sms-1' });
		}
		if (path === '/verify' && req.method === 'POST') {
			const phone = String(body.phone).replace(/^\+/, '');
			const id = phoneUsers.get(phone);
			// Supabase's answer to a wrong code and an expired one alike.
			if (!id || body.token !== OTP || body.type !== 'sms') return refuse(res, 403, 'otp_expired', 'Token has expired or is invalid');
			return json(await session({ id, phone: state.phoneClaim ?? phone }));
		}
		if (path.startsWith('/logout') && req.method === 'POST') return res.writeHead(204).end();
		return refuse(res, 404, 'not_found', 'no such endpoint in the stand-in');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { state, phoneUsers, token, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(backends())('Supabase Auth through supabase-js on $name', (backend) => {
	let db: Database;
	let gotrue: Awaited<ReturnType<typeof standIn>>;
	let auth: Auth;
	const paths = () => gotrue.state.calls.map((call) => call.path);

	beforeAll(async () => {
		gotrue = await standIn();
		db = await backend.open();
		// Supabase Auth owns auth.users on Supabase; here the rows stand in for the users it made.
		await asService(db, (tx) =>
			tx.query(`insert into auth.users (id, email) values ($1, 'duty@miyun.test'), ($2, 'stranger@miyun.test') on conflict do nothing`, [STAFF_ID, STRANGER_ID])
		);
		await linkStaff(db, { email: 'duty@miyun.test', role: 'dispatcher', townCode: '110118111' });
		auth = await createAuth(readConfig({ PUBLIC_SUPABASE_URL: gotrue.state.url, PUBLIC_SUPABASE_ANON_KEY: ANON_KEY }), db);
	});
	afterAll(async () => {
		setServices(null);
		await db?.close();
		await gotrue?.close();
	});
	beforeEach(() => {
		gotrue.state.calls.length = 0;
		gotrue.state.key = gotrue.state.signingKey;
		gotrue.state.accessSeconds = 3600;
		gotrue.state.down = 0;
		gotrue.state.phoneClaim = null;
	});

	describe('staff', () => {
		it('signs in with the password grant; the token identifies the staff member through the pinned JWKS', async () => {
			expect(auth.provider).toBe('supabase');
			const result = await auth.signIn('duty@miyun.test', PASSWORD, '192.0.2.1', 'test');
			if (!result.ok) throw new Error(`sign-in failed: ${result.reason}`);
			expect(result.refreshToken).toBeTruthy();
			expect(paths()).toEqual(['/token?grant_type=password']);
			expect(gotrue.state.calls[0]!.body).toMatchObject({ email: 'duty@miyun.test', password: PASSWORD });
			expect(await auth.identify({ bearer: null, sessionToken: result.token })).toMatchObject({
				kind: 'staff',
				userId: STAFF_ID,
				role: 'dispatcher',
				townCode: '110118111'
			});
		});

		it('refuses a wrong password with the sign-in form’s clear message, in both languages', async () => {
			expect(await auth.signIn('duty@miyun.test', 'wrong', '192.0.2.1', 'test')).toEqual({ ok: false, reason: 'invalid' });
			const { cookies, jar } = cookieJar();
			const failure = await signInForm({ email: 'duty@miyun.test', password: 'wrong' }, cookies);
			expect(failure).toMatchObject({ status: 400, data: { message: 'errors.sign_in_invalid' } });
			expect(jar.size).toBe(0);
			expect(translatorFor('zh-CN')('errors.sign_in_invalid')).toMatch(/^\p{Script=Han}/u);
			expect(translatorFor('en')('errors.sign_in_invalid')).toBe('The e-mail or password is not correct.');
		});

		it('says the sign-in service is unavailable when Supabase is down, not that the password is wrong', async () => {
			gotrue.state.down = 503;
			expect(await auth.signIn('duty@miyun.test', PASSWORD, '192.0.2.1', 'test')).toEqual({ ok: false, reason: 'unavailable' });
			const failure = await signInForm({ email: 'duty@miyun.test', password: PASSWORD }, cookieJar().cookies);
			expect(failure).toMatchObject({ status: 503, data: { message: 'errors.sign_in_unavailable' } });
			expect(translatorFor('zh-CN')('errors.sign_in_unavailable')).toMatch(/^\p{Script=Han}/u);
			expect(translatorFor('en')('errors.sign_in_unavailable')).toMatch(/^Sign-in is unavailable/);
		});

		it('the form keeps both tokens in httpOnly cookies', async () => {
			const { cookies, jar } = cookieJar();
			await expect(signInForm({ email: 'duty@miyun.test', password: PASSWORD }, cookies)).rejects.toMatchObject({ status: 303, location: '/console' });
			expect(jar.get(SESSION_COOKIE)?.options).toMatchObject({ httpOnly: true, path: '/' });
			expect(jar.get(REFRESH_COOKIE)?.value).toBeTruthy();
		});

		it('renews an expired access token from the refresh token, and each refresh token works once', async () => {
			gotrue.state.accessSeconds = -60;
			const result = await auth.signIn('duty@miyun.test', PASSWORD, '192.0.2.1', 'test');
			// An already expired token does not pass our own verification: no session from it.
			expect(result).toEqual({ ok: false, reason: 'invalid' });

			gotrue.state.accessSeconds = 3600;
			const signedIn = await auth.signIn('duty@miyun.test', PASSWORD, '192.0.2.1', 'test');
			if (!signedIn.ok) throw new Error('sign-in failed');
			const expired = await gotrue.token({ sub: STAFF_ID, email: 'duty@miyun.test' }, -60);
			expect(await auth.identify({ bearer: null, sessionToken: expired })).toEqual({ kind: 'anon' });

			gotrue.state.calls.length = 0;
			const resumed = await resumeSession(auth, signedIn.refreshToken!);
			expect(paths()).toEqual(['/token?grant_type=refresh_token']);
			if (!resumed || resumed === 'unavailable') throw new Error('not resumed');
			expect(resumed.who).toMatchObject({ kind: 'staff', userId: STAFF_ID });
			expect(resumed.renewed.refreshToken).not.toBe(signedIn.refreshToken);
			expect(await auth.identify({ bearer: null, sessionToken: resumed.renewed.token })).toMatchObject({ kind: 'staff' });

			// The used refresh token is spent (rotation); the new one works.
			expect(await resumeSession(auth, signedIn.refreshToken!)).toBeNull();
			// Supabase down: not "no session" (the hook keeps the cookies), and the token is not spent.
			gotrue.state.down = 503;
			expect(await resumeSession(auth, resumed.renewed.refreshToken!)).toBe('unavailable');
			gotrue.state.down = 0;
			expect(await resumeSession(auth, resumed.renewed.refreshToken!)).toMatchObject({ who: { kind: 'staff' } });
		});

		it('refuses tokens signed by another key, for another issuer, or already expired', async () => {
			const other = (await generateKeyPair('ES256')).privateKey;
			gotrue.state.key = other;
			expect(await auth.identify({ bearer: await gotrue.token({ sub: STAFF_ID }), sessionToken: null })).toBe('invalid');
			// Even when Supabase's own answer carries it: the key is pinned to the JWKS.
			expect(await auth.signIn('duty@miyun.test', PASSWORD, '192.0.2.1', 'test')).toEqual({ ok: false, reason: 'invalid' });
			gotrue.state.key = gotrue.state.signingKey;
			const foreign = await new SignJWT({ role: 'authenticated' })
				.setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
				.setSubject(STAFF_ID)
				.setIssuer('https://evil.example/auth/v1')
				.setAudience('authenticated')
				.setExpirationTime('1h')
				.sign(gotrue.state.signingKey);
			expect(await auth.identify({ bearer: foreign, sessionToken: null })).toBe('invalid');
			expect(await auth.identify({ bearer: await gotrue.token({ sub: STAFF_ID }, -60), sessionToken: null })).toBe('invalid');
		});

		it('a refresh that returns a token signed by another key is no session', async () => {
			const signedIn = await auth.signIn('duty@miyun.test', PASSWORD, '192.0.2.1', 'test');
			if (!signedIn.ok) throw new Error('sign-in failed');
			gotrue.state.key = (await generateKeyPair('ES256')).privateKey;
			expect(await resumeSession(auth, signedIn.refreshToken!)).toBeNull();
		});

		it('a Supabase user without a staff profile does not reach the console', async () => {
			// Supabase accepts the password; the app refuses like a wrong one and ends that session.
			expect(await auth.signIn('stranger@miyun.test', PASSWORD, '192.0.2.1', 'test')).toEqual({ ok: false, reason: 'invalid' });
			expect(paths()).toEqual(['/token?grant_type=password', '/logout?scope=local']);
			// Nor with a token or refresh token of their own.
			const stranger = await gotrue.token({ sub: STRANGER_ID, email: 'stranger@miyun.test' });
			expect(await auth.identify({ bearer: null, sessionToken: stranger })).toEqual({ kind: 'anon' });
			expect(await auth.identify({ bearer: stranger, sessionToken: null })).toBe('invalid');
		});

		it('sign-out revokes this session at Supabase', async () => {
			const result = await auth.signIn('duty@miyun.test', PASSWORD, '192.0.2.1', 'test');
			if (!result.ok) throw new Error('sign-in failed');
			const who = await auth.identify({ bearer: null, sessionToken: result.token });
			if (who === 'invalid' || who.kind !== 'staff') throw new Error('not staff');
			gotrue.state.calls.length = 0;
			await auth.signOut(who, result.token);
			expect(gotrue.state.calls).toMatchObject([{ path: '/logout?scope=local', authorization: `Bearer ${result.token}` }]);
		});
	});

	describe('volunteers’ phone sign-in', () => {
		// Without Supabase the app texts its own codes through the outbox; with it, never.
		const outbox = codeSender(null, true, messagesFor);
		let seq = 0;
		const nextPhone = () => `1380000${String(++seq).padStart(4, '0')}`;
		const appCodes = async (phone: string) =>
			(await asService(db, (tx) => tx.query(`select 1 from public.delivery_queue where address = $1`, [phone]))).length;
		/** Supabase makes the auth.users row when it texts the code; so does the stand-in here. */
		const asSupabase = async (phone: string) => {
			const id = gotrue.phoneUsers.get(`86${phone}`)!;
			await asService(db, (tx) => tx.query(`insert into auth.users (id, raw_app_meta_data) values ($1, '{"provider":"phone"}') on conflict do nothing`, [id]));
			return id;
		};

		it('sends the code through Supabase and signs in with it', async () => {
			const phone = nextPhone();
			expect(await requestCode(db, outbox, phone, '192.0.2.7', auth.phoneOtp)).toEqual({ ok: true });
			expect(gotrue.state.calls).toMatchObject([{ path: '/otp', body: { phone: `+86${phone}`, channel: 'sms', create_user: true } }]);
			expect(await appCodes(phone)).toBe(0);
			const userId = await asSupabase(phone);

			gotrue.state.calls.length = 0;
			const result = await verifyCode(db, phone, OTP, auth.phoneOtp);
			if (!result.ok) throw new Error(`verify failed: ${result.reason}`);
			expect(gotrue.state.calls.map((c) => [c.path, c.body.type ?? null])).toEqual([
				['/verify', 'sms'],
				// The app keeps its own volunteer session; Supabase's is ended at once.
				['/logout?scope=local', null]
			]);
			expect(result.user).toEqual({ userId, phone, name: null });
			expect(await volunteerFromToken(db, result.token)).toEqual({ userId, phone, name: null });
			// A code is good once.
			expect(await verifyCode(db, phone, OTP, auth.phoneOtp)).toEqual({ ok: false, reason: 'invalid' });
		});

		it('refuses a wrong code, and after five tries asks Supabase no more', async () => {
			const phone = nextPhone();
			await requestCode(db, outbox, phone, '192.0.2.8', auth.phoneOtp);
			await asSupabase(phone);
			expect(await verifyCode(db, phone, '000000', auth.phoneOtp)).toEqual({ ok: false, reason: 'invalid' });
			for (let i = 1; i < CODE_ATTEMPTS; i++) await verifyCode(db, phone, '000000', auth.phoneOtp);
			gotrue.state.calls.length = 0;
			// Even the right code now: the request is used up, and Supabase is not asked.
			expect(await verifyCode(db, phone, OTP, auth.phoneOtp)).toEqual({ ok: false, reason: 'attempts' });
			expect(gotrue.state.calls).toEqual([]);
			expect(await asService(db, (tx) => tx.query(`select 1 from public.volunteers where phone = $1`, [phone]))).toHaveLength(0);
		});

		it('refuses a session Supabase made for another phone or signed with another key', async () => {
			for (const twist of ['phone', 'key'] as const) {
				const phone = nextPhone();
				await requestCode(db, outbox, phone, '192.0.2.9', auth.phoneOtp);
				await asSupabase(phone);
				if (twist === 'phone') gotrue.state.phoneClaim = '8613999999999';
				else gotrue.state.key = (await generateKeyPair('ES256')).privateKey;
				expect(await verifyCode(db, phone, OTP, auth.phoneOtp)).toEqual({ ok: false, reason: 'invalid' });
				expect(await asService(db, (tx) => tx.query(`select 1 from public.volunteers where phone = $1`, [phone]))).toHaveLength(0);
				gotrue.state.phoneClaim = null;
				gotrue.state.key = gotrue.state.signingKey;
			}
		});

		it('keeps the app’s limits per phone (Supabase sees only this server’s address)', async () => {
			const phone = nextPhone();
			expect((await requestCode(db, outbox, phone, '192.0.2.10', auth.phoneOtp)).ok).toBe(true);
			const again = await requestCode(db, outbox, phone, '192.0.2.10', auth.phoneOtp);
			expect(again.ok).toBe(false);
			expect(paths()).toEqual(['/otp']);
		});

		it('says Supabase is unavailable when it does not answer', async () => {
			gotrue.state.down = 503;
			expect(await requestCode(db, outbox, nextPhone(), '192.0.2.11', auth.phoneOtp)).toMatchObject({ ok: false, unavailable: true });
		});
	});

	/** The console's sign-in form action, run with these services. */
	async function signInForm(fields: Record<string, string>, cookies: ReturnType<typeof cookieJar>['cookies']) {
		setServices({ auth, db } as unknown as Services);
		const { actions } = await import('../../../routes/console/sign-in/+page.server');
		const request = new Request('http://127.0.0.1/console/sign-in', { method: 'POST', body: new URLSearchParams(fields) });
		const event = { request, cookies, url: new URL(request.url), getClientAddress: () => '192.0.2.1' };
		return (actions.default as unknown as (e: typeof event) => Promise<unknown>)(event);
	}
});

function cookieJar() {
	const jar = new Map<string, { value: string; options: Record<string, unknown> }>();
	const cookies = {
		get: (name: string) => jar.get(name)?.value,
		set: (name: string, value: string, options: Record<string, unknown>) => void jar.set(name, { value, options }),
		delete: (name: string) => void jar.delete(name)
	};
	return { jar, cookies };
}

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
