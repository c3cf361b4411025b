/**
 * The console guard against the built server, with paths as an attacker spells them:
 * percent-encoded, with doubled slashes, in mixed case. Sent with node:http so that no
 * client normalises the path first. None may reach a console page or export as anonymous.
 */
import http from 'node:http';
import { expect, test } from '@playwright/test';

type Answer = { status: number; location: string | null; type: string | null; body: string };

function raw(baseURL: string, path: string, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<Answer> {
	const { hostname, port } = new URL(baseURL);
	return new Promise((resolve, reject) => {
		const req = http.request({ hostname, port, path, method, headers }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (c: string) => (text += c));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, type: res.headers['content-type'] ?? null, body: text })
			);
		});
		req.on('error', reject);
		req.end(body);
	});
}

const SPELLINGS = [
	'/%63onsole/shelters/export?format=csv',
	'/%63%6f%6e%73%6f%6c%65/shelters/export?format=csv',
	'/console/%73helters/export?format=csv',
	'//console/shelters/export?format=csv',
	'/console//shelters/export?format=csv',
	'/CONSOLE/shelters/export?format=csv',
	'/Console/shelters/export?format=csv',
	'/%43onsole/shelters/export?format=csv',
	'/%63onsole/warnings',
	'/%63onsole/departments',
	'/%63onsole/reports/rates',
	'/%63onsole/volunteers/outbox',
	'/%63onsole',
	'/console/shelters/export?format=csv'
];

test('anonymous callers reach no console page or export, however the path is spelled', async ({ baseURL }) => {
	for (const path of SPELLINGS) {
		const res = await raw(baseURL!, path);
		// Sent to sign-in (303), told the path has no page (404), or redirected to the path's
		// normal form (308) — never the page or the CSV.
		expect([303, 308, 404], `${path} answered ${res.status}`).toContain(res.status);
		expect(res.type ?? '', path).not.toMatch(/csv|geo\+json/);
		if (res.status === 303) expect(res.location, path).toMatch(/^\/console\/sign-in\?next=/);
		if (res.status === 308) {
			// Following the normal form ends at the sign-in page too.
			const next = await raw(baseURL!, new URL(res.location!, baseURL).pathname + new URL(res.location!, baseURL).search);
			expect([303, 404], `${path} → ${res.location}`).toContain(next.status);
		}
	}
});

test('an encoded form post to a console action is refused too', async ({ baseURL }) => {
	const origin = new URL(baseURL!).origin;
	const res = await raw(baseURL!, '/%63onsole/scenic?/status', 'POST', 'id=simatai&status=closed', {
		'content-type': 'application/x-www-form-urlencoded',
		accept: 'text/html',
		origin
	});
	expect(res.status).toBe(303);
	expect(res.location).toMatch(/^\/console\/sign-in/);
});

test('a chunked body past 512 KB to a route without photos is refused with 413', async ({ baseURL }) => {
	const { hostname, port } = new URL(baseURL!);
	const status = await new Promise<number>((resolve, reject) => {
		const req = http.request({ hostname, port, path: '/api/subscriptions', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
			res.resume();
			resolve(res.statusCode ?? 0);
		});
		req.on('error', (e) => (String(e).includes('EPIPE') || String(e).includes('ECONNRESET') ? resolve(413) : reject(e)));
		// No Content-Length: node sends Transfer-Encoding: chunked.
		const chunk = Buffer.alloc(64 * 1024, 32);
		let sent = 0;
		const pump = () => {
			while (sent < 4 * 1024 * 1024) {
				sent += chunk.length;
				if (!req.write(chunk)) return req.once('drain', pump);
			}
			req.end();
		};
		pump();
	});
	expect(status).toBe(413);
});

test('pages carry a Content-Security-Policy that allows their own inline scripts and nothing from elsewhere', async ({ request }) => {
	for (const path of ['/', '/warnings', '/guides/earthquake', '/console/sign-in']) {
		const res = await request.get(path);
		const csp = res.headers()['content-security-policy'] ?? '';
		expect(csp, path).toContain("default-src 'self'");
		expect(csp, path).toContain("object-src 'none'");
		expect(csp, path).toContain("frame-ancestors 'none'");
		expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
		// Every inline script of the page is allowed by a hash in the policy.
		const html = await res.text();
		const { createHash } = await import('node:crypto');
		for (const [, body] of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
			const hash = `'sha256-${createHash('sha256').update(body!).digest('base64')}'`;
			expect(csp, `${path}: inline script ${body!.slice(0, 60)}`).toContain(hash);
		}
		expect(res.headers()['x-content-type-options']).toBe('nosniff');
		expect(res.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
	}
});

test('Chromium reports no Content-Security-Policy violation, and a guide page still registers the service worker', async ({ page }) => {
	const violations: string[] = [];
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
	});
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
	});
	for (const path of ['/', '/warnings', '/shelters', '/report', '/alerts', '/console/sign-in']) {
		await page.goto(path);
		await page.waitForLoadState('networkidle');
	}
	await page.goto('/guides/earthquake');
	await expect.poll(() => page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration()))).toBe(true);
	expect(violations).toEqual([]);
});
