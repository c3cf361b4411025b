/**
 * The server's settings, read once from the environment and checked.
 *
 * A wrong setting must stop the start with one line that names the variable, so an
 * operator at 2 a.m. sees what to fix instead of a stack trace later. Values that may
 * hold secrets (DATABASE_URL, keys) are never echoed back.
 */
import path from 'node:path';

export type Config = {
	/** `embedded` = PGlite in DATA_DIR; `postgres` = DATABASE_URL. */
	database: { kind: 'embedded'; dataDir: string } | { kind: 'postgres'; url: string };
	port: number;
	/** Supabase Auth is the identity provider when both are set. */
	supabase: { url: string; anonKey: string; jwtSecret: string | null } | null;
	/** Signing secret of the built-in issuer; generated and stored in the database when unset. */
	jwtSecret: string | null;
	sessionHours: number;
	/** Demo admin and other demo rows: embedded default only, never with DATABASE_URL. */
	seedDemo: boolean;
	/** The WeChat Official Account's message token (WECHAT_TOKEN); /wechat is off without it. */
	wechat: { token: string } | null;
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

	const wechatToken = nonEmpty(env, 'WECHAT_TOKEN');
	// The platform's own rule for the token: 3-32 letters or digits.
	if (wechatToken && !/^[A-Za-z0-9]{3,32}$/.test(wechatToken)) {
		throw new ConfigError('WECHAT_TOKEN', 'must be 3-32 letters or digits (the Token set in the Official Account\'s server settings)');
	}

	return {
		database,
		port: integer(env, 'PORT', 3000, 1, 65535),
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
		seedDemo,
		wechat: wechatToken ? { token: wechatToken } : null
	};
}
