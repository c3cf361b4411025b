/**
 * Which push services the server will post to. A PushSubscription's endpoint comes
 * from the browser, that is from anyone: without a check, "subscribing" would make
 * the server post to any address it can reach (SSRF). Only https origins of the known
 * public push services pass, plus origins the operator lists in PUSH_SERVICE_ALLOWLIST;
 * private and loopback addresses pass only when listed exactly.
 */
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

/** The push services of the browsers people use, by host suffix. */
const KNOWN_PUSH_HOSTS = [
	'fcm.googleapis.com', // Chrome, Edge on Android, most Chromium browsers
	'updates.push.services.mozilla.com', // Firefox
	'push.apple.com', // Safari (web.push.apple.com)
	'notify.windows.com' // Edge on Windows (*.notify.windows.com)
];

export type PushAllowlist = { origins: ReadonlySet<string> };

export function parseAllowlist(raw: string | undefined): PushAllowlist {
	const origins = new Set<string>();
	for (const item of (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
		let url: URL;
		try {
			url = new URL(item);
		} catch {
			throw new Error(`"${item}" is not an origin like https://push.example.org`);
		}
		if (url.protocol !== 'https:') throw new Error(`"${item}" must use https`);
		if (url.pathname !== '/' || url.search || url.username) throw new Error(`"${item}" must be an origin only, without a path`);
		origins.add(url.origin);
	}
	return { origins };
}

/** Loopback, private, link-local, shared, multicast and reserved ranges (IPv4 and IPv6). */
export function isPrivateAddress(address: string): boolean {
	const kind = isIP(address);
	if (kind === 4) {
		const [a, b] = address.split('.').map(Number) as [number, number];
		return (
			a === 0 || a === 10 || a === 127 || a >= 224 ||
			(a === 100 && b >= 64 && b <= 127) ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 198 && (b === 18 || b === 19))
		);
	}
	if (kind === 6) {
		const v6 = address.toLowerCase();
		const mapped = v6.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
		if (mapped) return isPrivateAddress(mapped[1]!);
		return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith('ff');
	}
	return true; // not an address at all: refuse
}

/**
 * Why an endpoint may not be used, or null when it may. Checks the URL only; the
 * address it resolves to is checked at connection time (`checkResolved`).
 */
export function endpointProblem(endpoint: string, allow: PushAllowlist): string | null {
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		return 'is not a URL';
	}
	if (url.protocol !== 'https:') return 'must be an https URL';
	if (url.username || url.password) return 'must not carry a user name or password';
	if (allow.origins.has(url.origin)) return null;
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (isIP(host)) return 'must name a push service, not an address';
	if (url.port && url.port !== '443') return 'must use the standard https port';
	const known = KNOWN_PUSH_HOSTS.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
	return known ? null : 'is not a known push service (an operator may add it to PUSH_SERVICE_ALLOWLIST)';
}

/**
 * The addresses a push origin resolves to must be public, unless the operator listed
 * the origin: a known host name pointed at an internal address by a poisoned resolver
 * must not reach the internal network.
 */
export async function checkResolved(origin: string, allow: PushAllowlist, resolve = lookup): Promise<void> {
	if (allow.origins.has(origin)) return;
	const host = new URL(origin).hostname;
	const addresses = await resolve(host, { all: true });
	const bad = addresses.find((a) => isPrivateAddress(a.address));
	if (bad) throw new Error(`${host} resolves to a private address (${bad.address})`);
}
