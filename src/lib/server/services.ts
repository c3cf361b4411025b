/**
 * The server's long-lived parts, made once at start: settings, database, identity,
 * rate limits. Request data never lives here — each request gets its own locals.
 */
import type { Config } from './config';
import { openDatabase } from './db';
import { boundEmbeddedServerMemory, trimMalloc } from './db/embedded-memory';
import type { Database } from './db/port';
import { resolveIdentity, type Credentials, type Identity, type StaffIdentity } from './auth/identity';
import { createIssuer, type SignInResult } from './auth/issuer';
import { storedSecret } from './auth/secrets';
import { supabaseAuth, type PhoneOtp } from './auth/supabase';
import { supabaseVerifier } from './auth/tokens';
import { NonceMemory } from './assistant/wechat';
import { RateLimiter } from './rate-limit';
import { REPORTS_PER_ADDRESS, REPORTS_PER_DEVICE } from './reports/limits';
import { ASSISTANT_PER_ADDRESS, ASSISTANT_PER_CLIENT } from './assistant/limits';
import { startSlaClock } from './reports/sla';
import { startVolunteerJobs } from './volunteers/jobs';
import { startRetention } from './retention';
import { seedDemo } from './seed';
import { startDeliveryService, type Delivery } from './messaging';

export type Auth = {
	provider: 'builtin' | 'supabase';
	identify(credentials: Credentials): Promise<Identity | 'invalid'>;
	signIn(email: string, password: string, address: string, userAgent: string): Promise<SignInResult>;
	signOut(staff: StaffIdentity, token: string): Promise<void>;
	/** Supabase only: a new session for the refresh token in the cookie. The built-in issuer's sessions are not refreshed. */
	refresh: ((refreshToken: string) => Promise<SignInResult>) | null;
	/** Supabase only: volunteers' phone codes are Supabase Auth's. Null: the app's own codes. */
	phoneOtp: PhoneOtp | null;
};

export type Services = {
	config: Config;
	db: Database;
	auth: Auth;
	limits: {
		/** anonymous form posts and API writes, per client address */
		anonWrites: RateLimiter;
		/** every /api request without an API key, per client address */
		api: RateLimiter;
		/** questions to the assistant (page and API), per device or address and per address: its own budget, not the writes' (assistant/limits.ts) */
		assistantPerClient: RateLimiter;
		assistantPerAddress: RateLimiter;
		/** hazard reports filed, per client address and per device */
		reportsPerAddress: RateLimiter;
		reportsPerDevice: RateLimiter;
		/** delivered/shown receipts from service workers, per client address */
		receipts: RateLimiter;
		/** nonces of signed WeChat requests in their 5-minute window (replays refused) */
		wechatNonces: NonceMemory;
	};
	delivery: Delivery;
	close(): Promise<void>;
};

export async function createAuth(config: Config, db: Database): Promise<Auth> {
	if (config.supabase) {
		const verify = supabaseVerifier(config.supabase.url, config.supabase.anonKey, config.supabase.jwtSecret);
		const remote = supabaseAuth(config.supabase.url, config.supabase.anonKey, verify, config.sessionHours);
		const identify: Auth['identify'] = (credentials) => resolveIdentity(db, verify, false, credentials);
		return {
			provider: 'supabase',
			identify,
			// Supabase signs in anyone with an account there (volunteers too); the console only
			// those with an active staff profile, with the same answer as a wrong password.
			signIn: async (email, password) => {
				const result = await remote.signIn(email, password);
				if (!result.ok) return result;
				const who = await identify({ bearer: null, sessionToken: result.token });
				if (who !== 'invalid' && who.kind === 'staff') return result;
				await remote.signOut(result.token);
				return { ok: false, reason: 'invalid' };
			},
			signOut: (_staff, token) => remote.signOut(token),
			refresh: remote.refresh,
			phoneOtp: remote.phoneOtp
		};
	}
	const secret = config.jwtSecret ?? (await storedSecret(db, 'jwt_secret'));
	const issuer = createIssuer(db, secret, config.sessionHours);
	return {
		provider: 'builtin',
		identify: (credentials) => resolveIdentity(db, issuer.verify, true, credentials),
		signIn: issuer.signIn,
		signOut: async (staff) => {
			if (staff.sessionId) await issuer.signOut(staff.sessionId);
		},
		refresh: null,
		phoneOtp: null
	};
}

/**
 * With Supabase: a cookie session whose access token has expired (or is gone) is renewed
 * with its refresh token, and is a session again only if the new token identifies an
 * active staff member. Null: no session to resume (the caller clears the cookies).
 * `unavailable`: Supabase did not answer; the cookies stay for when it does, so an
 * outage does not sign everyone out.
 */
export async function resumeSession(
	auth: Auth,
	refreshToken: string
): Promise<{ who: StaffIdentity; renewed: Extract<SignInResult, { ok: true }> } | 'unavailable' | null> {
	if (!auth.refresh || refreshToken.length > 4096) return null;
	const renewed = await auth.refresh(refreshToken);
	if (!renewed.ok) return renewed.reason === 'unavailable' ? 'unavailable' : null;
	const who = await auth.identify({ bearer: null, sessionToken: renewed.token });
	return who !== 'invalid' && who.kind === 'staff' ? { who, renewed } : null;
}

export async function startServices(
	config: Config,
	holder: string,
	report: (line: string) => void = () => {}
): Promise<Services & { migrated: string[]; seeded: boolean }> {
	if (config.database.kind === 'embedded') boundEmbeddedServerMemory();
	const { db, migrated } = await openDatabase(config, holder, undefined, report);
	try {
		if (config.seedDemo) report('adding the demo data if it is missing');
		const seeded = config.seedDemo ? await seedDemo(db) : false;
		// opening the embedded database freed tens of MB that glibc would otherwise keep
		if (config.database.kind === 'embedded') trimMalloc();
		const auth = await createAuth(config, db);
		// Background jobs of this process; each claims its work with SKIP LOCKED.
		const stopJobs = [startSlaClock(db), startVolunteerJobs({ db }), startRetention(db)];
		const delivery = await startDeliveryService(config, db);
		return {
			config,
			db,
			auth,
			limits: {
				anonWrites: new RateLimiter(config.anonWritesPerMinute, 60_000),
				api: new RateLimiter(300, 60_000),
				assistantPerClient: new RateLimiter(ASSISTANT_PER_CLIENT.limit, ASSISTANT_PER_CLIENT.windowMs),
				assistantPerAddress: new RateLimiter(ASSISTANT_PER_ADDRESS.limit, ASSISTANT_PER_ADDRESS.windowMs),
				reportsPerAddress: new RateLimiter(config.reportsPerAddressPerHour, REPORTS_PER_ADDRESS.windowMs),
				reportsPerDevice: new RateLimiter(REPORTS_PER_DEVICE.limit, REPORTS_PER_DEVICE.windowMs),
				receipts: new RateLimiter(600, 60_000),
				wechatNonces: new NonceMemory()
			},
			delivery,
			close: async () => {
				for (const stop of stopJobs) stop();
				await delivery.close();
				return db.close();
			},
			migrated: migrated.applied,
			seeded
		};
	} catch (error) {
		await db.close().catch(() => undefined);
		throw error;
	}
}
