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

	it('reads the delivery settings and names the one that is wrong', () => {
		const config = readConfig({ PUSH_SERVICE_ALLOWLIST: 'https://push.miyun.internal, https://127.0.0.1:8443', ORIGIN: 'https://safe.miyun.gov.cn/' });
		expect([...config.delivery.pushAllowlist.origins]).toEqual(['https://push.miyun.internal', 'https://127.0.0.1:8443']);
		expect(config.delivery.publicOrigin).toBe('https://safe.miyun.gov.cn');
		expect(config.delivery.vapid).toBeNull();
		expect(config.delivery.smsGateway).toBeNull();
		expect(problem({ PUSH_SERVICE_ALLOWLIST: 'http://127.0.0.1:8443' })).toMatch(/^PUSH_SERVICE_ALLOWLIST: .*https/);
		expect(problem({ VAPID_PUBLIC_KEY: 'B'.repeat(87) })).toMatch(/^VAPID_PRIVATE_KEY: VAPID needs both keys/);
		expect(problem({ VAPID_PUBLIC_KEY: 'short', VAPID_PRIVATE_KEY: 'a'.repeat(43) })).toMatch(/^VAPID_PUBLIC_KEY: /);
		expect(problem({ VAPID_SUBJECT: 'ops@example.cn' })).toMatch(/^VAPID_SUBJECT: /);
		expect(problem({ SMS_GATEWAY_URL: 'https://sms.example.cn/send' })).toMatch(/^SMS_GATEWAY_TOKEN: /);
		expect(problem({ SMS_GATEWAY_URL: 'http://sms.example.cn/send', SMS_GATEWAY_TOKEN: 't' })).toMatch(/^SMS_GATEWAY_URL: /);
		expect(problem({ PUSH_SERVICE_CA_FILE: '/nonexistent/ca.pem' })).toBe('PUSH_SERVICE_CA_FILE: cannot read /nonexistent/ca.pem');
		expect(readConfig({ SMS_GATEWAY_URL: 'https://sms.example.cn/send', SMS_GATEWAY_TOKEN: 't' }).delivery.smsGateway).toEqual({ url: 'https://sms.example.cn/send', token: 't' });
	});

	it('reads the WeChat API settings only together, and names the one missing or wrong', () => {
		const wechat = { WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 's', WECHAT_TEMPLATE_ID: 'tpl' };
		expect(readConfig({}).delivery.wechatApi).toBeNull();
		expect(readConfig(wechat).delivery.wechatApi).toEqual({ appId: 'wx0123456789abcdef', secret: 's', templateId: 'tpl', base: 'https://api.weixin.qq.com' });
		expect(readConfig({ ...wechat, WECHAT_API_URL: 'http://127.0.0.1:9/x' }).delivery.wechatApi?.base).toBe('http://127.0.0.1:9');
		expect(problem({ WECHAT_APPID: 'wx0123456789abcdef' })).toMatch(/^WECHAT_SECRET: /);
		expect(problem({ ...wechat, WECHAT_TEMPLATE_ID: '' })).toMatch(/^WECHAT_TEMPLATE_ID: /);
		expect(problem({ ...wechat, WECHAT_APPID: 'not-an-appid' })).toMatch(/^WECHAT_APPID: /);
		expect(problem({ ...wechat, WECHAT_API_URL: 'http://api.example.cn' })).toMatch(/^WECHAT_API_URL: .*https/);
	});

	it('reads the anonymous write limit', () => {
		expect(readConfig({}).anonWritesPerMinute).toBe(30);
		expect(readConfig({ ANON_WRITES_PER_MINUTE: '600' }).anonWritesPerMinute).toBe(600);
		expect(problem({ ANON_WRITES_PER_MINUTE: 'lots' })).toMatch(/^ANON_WRITES_PER_MINUTE: must be a whole number/);
		expect(readConfig({}).reportsPerAddressPerHour).toBe(20);
		expect(readConfig({ REPORTS_PER_ADDRESS_PER_HOUR: '500' }).reportsPerAddressPerHour).toBe(500);
		expect(problem({ REPORTS_PER_ADDRESS_PER_HOUR: '0' })).toMatch(/^REPORTS_PER_ADDRESS_PER_HOUR: must be a whole number from 1/);
	});
});
