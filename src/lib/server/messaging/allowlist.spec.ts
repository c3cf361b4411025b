import { describe, expect, it } from 'vitest';
import { checkResolved, endpointProblem, isPrivateAddress, parseAllowlist } from './allowlist';

const none = parseAllowlist(undefined);

describe('push endpoints the server will post to', () => {
	it('accepts the public push services over https', () => {
		for (const url of [
			'https://fcm.googleapis.com/fcm/send/abc:def',
			'https://updates.push.services.mozilla.com/wpush/v2/gAAA',
			'https://web.push.apple.com/QGx1',
			'https://wns2-by3p.notify.windows.com/w/?token=BQYAAA'
		]) expect(endpointProblem(url, none)).toBeNull();
	});

	it('refuses plain http, other hosts, addresses, other ports and credentials', () => {
		expect(endpointProblem('http://fcm.googleapis.com/fcm/send/x', none)).toBe('must be an https URL');
		expect(endpointProblem('https://evil.example/fcm.googleapis.com', none)).toMatch(/not a known push service/);
		expect(endpointProblem('https://fcm.googleapis.com.evil.example/x', none)).toMatch(/not a known push service/);
		expect(endpointProblem('https://127.0.0.1/x', none)).toBe('must name a push service, not an address');
		expect(endpointProblem('https://[::1]/x', none)).toBe('must name a push service, not an address');
		expect(endpointProblem('https://10.0.0.8/x', none)).toBe('must name a push service, not an address');
		expect(endpointProblem('https://169.254.169.254/latest/meta-data', none)).toBe('must name a push service, not an address');
		expect(endpointProblem('https://fcm.googleapis.com:8443/x', none)).toBe('must use the standard https port');
		expect(endpointProblem('https://user:pw@fcm.googleapis.com/x', none)).toBe('must not carry a user name or password');
		expect(endpointProblem('not a url', none)).toBe('is not a URL');
	});

	it('allows loopback and private origins only when listed exactly', () => {
		const allow = parseAllowlist('https://127.0.0.1:8443, https://push.miyun.internal');
		expect(endpointProblem('https://127.0.0.1:8443/push/1', allow)).toBeNull();
		expect(endpointProblem('https://127.0.0.1:8444/push/1', allow)).toBe('must name a push service, not an address');
		expect(endpointProblem('https://push.miyun.internal/p/1', allow)).toBeNull();
		expect(() => parseAllowlist('http://127.0.0.1:8443')).toThrow(/https/);
		expect(() => parseAllowlist('https://push.example/path')).toThrow(/origin only/);
		expect(() => parseAllowlist('nonsense')).toThrow(/not an origin/);
	});

	it('knows private, loopback, link-local and reserved addresses', () => {
		for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1'])
			expect(isPrivateAddress(a), a).toBe(true);
		for (const a of ['8.8.8.8', '172.32.0.1', '142.250.72.10', '2001:4860:4860::8888']) expect(isPrivateAddress(a), a).toBe(false);
	});

	it('refuses a known host name that resolves to a private address, unless listed', async () => {
		const poisoned = async () => [{ address: '10.0.0.5', family: 4 }];
		const honest = async () => [{ address: '142.250.72.10', family: 4 }];
		await expect(checkResolved('https://fcm.googleapis.com', none, poisoned as never)).rejects.toThrow(/private address/);
		await expect(checkResolved('https://fcm.googleapis.com', none, honest as never)).resolves.toBeUndefined();
		await expect(checkResolved('https://push.miyun.internal', parseAllowlist('https://push.miyun.internal'), poisoned as never)).resolves.toBeUndefined();
	});
});
