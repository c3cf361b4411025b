/**
 * The server's settings, read once from the environment and checked.
 *
 * A wrong setting must stop the start with one line that names the variable, so an
 * operator at 2 a.m. sees what to fix instead of a stack trace later. Values that may
 * hold secrets (DATABASE_URL, keys) are never echoed back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllowlist, type PushAllowlist } from './messaging/allowlist';
import { REPORTS_PER_ADDRESS } from './reports/limits';

export type Config = {
	/** `embedded` = PGlite in DATA_DIR; `postgres` = DATABASE_URL. */
	database: { kind: 'embedded'; dataDir: string } | { kind: 'postgres'; url: string };
	port: number;
	/** Supabase Auth is the identity provider when both are set. */
	supabase: { url: string; anonKey: string; jwtSecret: string | null } | null;
	/** Signing secret of the built-in issuer; generated and stored in the database when unset. */
	jwtSecret: string | null;
	sessionHours: number;
	/** ANON_WRITES_PER_MINUTE: form posts and API writes per client address and minute, for callers without a key */
	anonWritesPerMinute: number;
	/** REPORTS_PER_ADDRESS_PER_HOUR: hazard reports per client address and hour (reports/limits.ts) */
	reportsPerAddressPerHour: number;
	/** Demo admin and other demo rows: embedded default only, never with DATABASE_URL. */
	seedDemo: boolean;
	delivery: {
		/** PUSH_SERVICE_ALLOWLIST: push origins trusted beyond the known public services */
		pushAllowlist: PushAllowlist;
		/** PUSH_SERVICE_CA_FILE: the CA of a self-hosted push service (PEM), trusted besides the system's */
		pushCa: string | null;
		/** VAPID keys (base64url); generated once and stored in the database when unset */
		vapid: { publicKey: string; privateKey: string } | null;
		vapidSubject: string;
		/** an HTTP SMS gateway; without one, texts go to the console's outbox */
		smsGateway: { url: string; token: string } | null;
		/** the public address of the app, for the links in texts */
		publicOrigin: string;
		/** WECHAT_APPID/WECHAT_SECRET/WECHAT_TEMPLATE_ID: warnings as WeChat subscription messages; off without them */
		wechatApi: { appId: string; secret: string; templateId: string; base: string } | null;
	};
	/** The WeChat Official Account's message token (WECHAT_TOKEN); /wechat is off without it. */
	wechat: { token: string } | null;
	/** The token the SMS gateway sends with replies (SMS_INBOUND_TOKEN); /api/sms/inbound is off without it. */
	smsInbound: { token: string } | null;
};

export class ConfigError extends Error {
	constructor(
		readonly variable: string,
		problem: string
	) {
		super(`${variable}: ${problem}`);
		this.name = 'ConfigError';
	}
}

type Env = Record<string, string | undefined>;

function nonEmpty(env: Env, name: string): string | null {
	const value = env[name]?.trim();
	return value ? value : null;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
	const raw = nonEmpty(env, name);
	if (raw === null) return fallback;
	if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
		throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
	}
	return Number(raw);
}

function databaseUrl(raw: string): string {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new ConfigError('DATABASE_URL', 'is not a URL; expected postgres://user:password@host:5432/database');
	}
	if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
		throw new ConfigError('DATABASE_URL', `must start with postgres:// or postgresql:// (got ${url.protocol}//)`);
	}
	if (!url.hostname && !url.searchParams.get('host')) {
		throw new ConfigError('DATABASE_URL', 'names no host');
	}
	if (url.pathname.length <= 1) {
		throw new ConfigError('DATABASE_URL', 'names no database (the path after the host)');
	}
	return raw;
}

function httpsUrl(name: string, raw: string): string {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new ConfigError(name, `is not a URL (got "${raw}")`);
	}
	const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
		throw new ConfigError(name, 'must be an https:// URL (http:// only for localhost)');
	}
	return url.origin;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
	const raw = nonEmpty(env, name)?.toLowerCase();
	if (raw === undefined || raw === null) return fallback;
	if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
	if (['0', 'false', 'no', 'off'].includes(raw)) return false;
	throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

export function readConfig(env: Env = process.env): Config {
	const url = nonEmpty(env, 'DATABASE_URL');
	const database: Config['database'] = url
		? { kind: 'postgres', url: databaseUrl(url) }
		: { kind: 'embedded', dataDir: path.resolve(nonEmpty(env, 'DATA_DIR') ?? '.data') };
	if (url && nonEmpty(env, 'DATA_DIR')) {
		throw new ConfigError('DATA_DIR', 'is for the embedded database; unset it when DATABASE_URL is set');
	}

	const supabaseUrl = nonEmpty(env, 'PUBLIC_SUPABASE_URL');
	const anonKey = nonEmpty(env, 'PUBLIC_SUPABASE_ANON_KEY');
	if (Boolean(supabaseUrl) !== Boolean(anonKey)) {
		throw new ConfigError(
			supabaseUrl ? 'PUBLIC_SUPABASE_ANON_KEY' : 'PUBLIC_SUPABASE_URL',
			'Supabase Auth needs both PUBLIC_SUPABASE_URL and PUBLIC_SUPABASE_ANON_KEY'
		);
	}

	const jwtSecret = nonEmpty(env, 'JWT_SECRET');
	if (jwtSecret && jwtSecret.length < 32) {
		throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
	}

	const seedDemo = boolean(env, 'SEED_DEMO', database.kind === 'embedded');
	if (seedDemo && database.kind === 'postgres') {
		throw new ConfigError('SEED_DEMO', 'demo accounts are created only on the embedded database, never with DATABASE_URL');
	}

	const port = integer(env, 'PORT', 3000, 1, 65535);
	const wechatToken = nonEmpty(env, 'WECHAT_TOKEN');
	const smsInboundToken = nonEmpty(env, 'SMS_INBOUND_TOKEN');
	// A guessable token would let anyone mark numbers safe or file calls for help as "from this phone".
	if (smsInboundToken && !/^[A-Za-z0-9_-]{32,256}$/.test(smsInboundToken)) {
		throw new ConfigError('SMS_INBOUND_TOKEN', 'must be 32 to 256 letters, digits, - or _ (openssl rand -hex 32)');
	}
	// The platform's own rule for the token: 3-32 letters or digits.
	if (wechatToken && !/^[A-Za-z0-9]{3,32}$/.test(wechatToken)) {
		throw new ConfigError('WECHAT_TOKEN', 'must be 3-32 letters or digits (the Token set in the Official Account\'s server settings)');
	}

	return {
		database,
		port,
		supabase:
			supabaseUrl && anonKey
				? {
						url: httpsUrl('PUBLIC_SUPABASE_URL', supabaseUrl),
						anonKey,
						jwtSecret: nonEmpty(env, 'SUPABASE_JWT_SECRET')
					}
				: null,
		jwtSecret,
		sessionHours: integer(env, 'SESSION_HOURS', 12, 1, 24 * 30),
		anonWritesPerMinute: integer(env, 'ANON_WRITES_PER_MINUTE', 30, 1, 100_000),
		reportsPerAddressPerHour: integer(env, 'REPORTS_PER_ADDRESS_PER_HOUR', REPORTS_PER_ADDRESS.limit, 1, 100_000),
		seedDemo,
		delivery: readDelivery(env, port),
		wechat: wechatToken ? { token: wechatToken } : null,
		smsInbound: smsInboundToken ? { token: smsInboundToken } : null
	};
}

function readDelivery(env: Env, port: number): Config['delivery'] {
	let pushAllowlist: PushAllowlist;
	try {
		pushAllowlist = parseAllowlist(nonEmpty(env, 'PUSH_SERVICE_ALLOWLIST') ?? undefined);
	} catch (error) {
		throw new ConfigError('PUSH_SERVICE_ALLOWLIST', (error as Error).message);
	}
	const caFile = nonEmpty(env, 'PUSH_SERVICE_CA_FILE');
	let pushCa: string | null = null;
	if (caFile) {
		try {
			pushCa = fs.readFileSync(caFile, 'utf8');
		} catch {
			throw new ConfigError('PUSH_SERVICE_CA_FILE', `cannot read ${caFile}`);
		}
		if (!pushCa.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError('PUSH_SERVICE_CA_FILE', 'is not a PEM certificate');
	}
	const publicKey = nonEmpty(env, 'VAPID_PUBLIC_KEY');
	const privateKey = nonEmpty(env, 'VAPID_PRIVATE_KEY');
	if (Boolean(publicKey) !== Boolean(privateKey)) {
		throw new ConfigError(publicKey ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY', 'VAPID needs both keys (npx web-push generate-vapid-keys)');
	}
	if (publicKey && !/^[A-Za-z0-9_-]{87}$/.test(publicKey)) {
		throw new ConfigError('VAPID_PUBLIC_KEY', 'must be a base64url P-256 public key (87 characters)');
	}
	if (privateKey && !/^[A-Za-z0-9_-]{43}$/.test(privateKey)) {
		throw new ConfigError('VAPID_PRIVATE_KEY', 'must be a base64url P-256 private key (43 characters)');
	}
	const vapidSubject = nonEmpty(env, 'VAPID_SUBJECT') ?? 'mailto:operator@safe-miyun.invalid';
	if (!/^mailto:\S+@\S+$/.test(vapidSubject) && !vapidSubject.startsWith('https://')) {
		throw new ConfigError('VAPID_SUBJECT', 'must be a mailto: address or an https:// URL that reaches the operator');
	}
	const smsUrl = nonEmpty(env, 'SMS_GATEWAY_URL');
	const smsToken = nonEmpty(env, 'SMS_GATEWAY_TOKEN');
	if (Boolean(smsUrl) !== Boolean(smsToken)) {
		throw new ConfigError(smsUrl ? 'SMS_GATEWAY_TOKEN' : 'SMS_GATEWAY_URL', 'the SMS gateway needs both its URL and its token');
	}
	const origin = nonEmpty(env, 'ORIGIN');
	const appId = nonEmpty(env, 'WECHAT_APPID');
	const appSecret = nonEmpty(env, 'WECHAT_SECRET');
	const templateId = nonEmpty(env, 'WECHAT_TEMPLATE_ID');
	if ((appId || appSecret || templateId) && !(appId && appSecret && templateId)) {
		throw new ConfigError(!appId ? 'WECHAT_APPID' : !appSecret ? 'WECHAT_SECRET' : 'WECHAT_TEMPLATE_ID', 'WeChat messages need WECHAT_APPID, WECHAT_SECRET and WECHAT_TEMPLATE_ID together');
	}
	if (appId && !/^wx[0-9a-f]{16}$/.test(appId)) throw new ConfigError('WECHAT_APPID', 'must be an Official Account AppID (wx + 16 hex digits)');
	// The operator's setting, never user input: a proxy in front of the platform, or the tests' fake.
	const wechatBase = httpsUrl('WECHAT_API_URL', nonEmpty(env, 'WECHAT_API_URL') ?? 'https://api.weixin.qq.com');
	return {
		wechatApi: appId && appSecret && templateId ? { appId, secret: appSecret, templateId, base: wechatBase } : null,
		pushAllowlist,
		pushCa,
		vapid: publicKey && privateKey ? { publicKey, privateKey } : null,
		vapidSubject,
		// checked like other service URLs; the path is the provider's, so it is kept
		smsGateway: smsUrl && smsToken && httpsUrl('SMS_GATEWAY_URL', smsUrl) ? { url: smsUrl, token: smsToken } : null,
		// ORIGIN is adapter-node's setting (it refuses a bad one itself); here only for links
		publicOrigin: URL.canParse(origin ?? '') ? new URL(origin!).origin : `http://localhost:${port}`
	};
}
