import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config';

function problem(env: Record<string, string>): string {
	try {
		readConfig(env);
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return (error as Error).message;
	}
	throw new Error('expected a ConfigError');
}

describe('readConfig', () => {
	it('defaults to the embedded database in .data on port 3000, with the demo seed', () => {
		const config = readConfig({});
		expect(config.database).toEqual({ kind: 'embedded', dataDir: path.resolve('.data') });
		expect(config.port).toBe(3000);
		expect(config.seedDemo).toBe(true);
		expect(config.supabase).toBeNull();
	});

	it('uses PostgreSQL when DATABASE_URL is set, and never seeds demo accounts there', () => {
		const config = readConfig({ DATABASE_URL: 'postgres://u:p@db.example:5432/miyun' });
		expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db.example:5432/miyun' });
		expect(config.seedDemo).toBe(false);
		expect(problem({ DATABASE_URL: 'postgres://u@h/db', SEED_DEMO: 'true' })).toMatch(/^SEED_DEMO: /);
	});

	it.each([
		[{ DATABASE_URL: 'not a url' }, /^DATABASE_URL: is not a URL/],
		[{ DATABASE_URL: 'mysql://u@h/db' }, /^DATABASE_URL: must start with postgres:\/\//],
		[{ DATABASE_URL: 'postgres://u@h' }, /^DATABASE_URL: names no database/],
		[{ DATABASE_URL: 'postgres://u@h/db', DATA_DIR: '/x' }, /^DATA_DIR: /],
		[{ PORT: 'eighty' }, /^PORT: must be a whole number from 1 to 65535 \(got "eighty"\)/],
		[{ PORT: '70000' }, /^PORT: /],
		[{ PUBLIC_SUPABASE_URL: 'https://x.supabase.co' }, /^PUBLIC_SUPABASE_ANON_KEY: /],
		[{ PUBLIC_SUPABASE_ANON_KEY: 'k' }, /^PUBLIC_SUPABASE_URL: /],
		[{ PUBLIC_SUPABASE_URL: 'http://x.supabase.co', PUBLIC_SUPABASE_ANON_KEY: 'k' }, /^PUBLIC_SUPABASE_URL: must be an https:\/\/ URL/],
		[{ JWT_SECRET: 'short' }, /^JWT_SECRET: must be at least 32 characters/],
		[{ SESSION_HOURS: '0' }, /^SESSION_HOURS: /],
		[{ SEED_DEMO: 'maybe' }, /^SEED_DEMO: must be true or false/]
	])('names the variable when a setting is wrong: %j', (env, message) => {
		expect(problem(env)).toMatch(message);
	});

	it('never echoes a database password', () => {
		expect(problem({ DATABASE_URL: 'mysql://user:s3cret@h/db' })).not.toContain('s3cret');
	});
});
