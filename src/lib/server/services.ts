/**
 * The server's long-lived parts, made once at start: settings, database, identity,
 * rate limits. Request data never lives here — each request gets its own locals.
 */
import type { Config } from './config';
import { openDatabase } from './db';
import type { Database } from './db/port';
import { resolveIdentity, type Credentials, type Identity, type StaffIdentity } from './auth/identity';
import { createIssuer, type SignInResult } from './auth/issuer';
import { storedSecret } from './auth/secrets';
import { supabaseAuth } from './auth/supabase';
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
		/** SMS confirmation codes, per phone number and per client address */
		smsCodes: RateLimiter;
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
		const remote = supabaseAuth(config.supabase.url, config.supabase.anonKey);
		return {
			provider: 'supabase',
			identify: (credentials) => resolveIdentity(db, verify, false, credentials),
			signIn: (email, password) => remote.signIn(email, password),
			signOut: (_staff, token) => remote.signOut(token)
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
		}
	};
}

export async function startServices(config: Config, holder: string): Promise<Services & { migrated: string[]; seeded: boolean }> {
	const { db, migrated } = await openDatabase(config, holder);
	try {
		const seeded = config.seedDemo ? await seedDemo(db) : false;
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
				reportsPerAddress: new RateLimiter(REPORTS_PER_ADDRESS.limit, REPORTS_PER_ADDRESS.windowMs),
				reportsPerDevice: new RateLimiter(REPORTS_PER_DEVICE.limit, REPORTS_PER_DEVICE.windowMs),
				smsCodes: new RateLimiter(3, 3600_000),
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
