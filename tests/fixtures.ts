import fs from 'node:fs';
import { expect, type Page } from '@playwright/test';
import https from 'node:https';
import { DEMO_ADMIN } from '../src/lib/server/demo';

export const E2E = {
	admin: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password },
	handler: { email: 'water-handler@e2e.test', password: 'water handler password' },
	issuer: { email: 'issuer@e2e.test', password: 'warning issuer password' },
	/** Staff of 溪翁庄镇 (a demo roll township): keeps its evacuation roll. */
	townStaff: { email: 'xwz-staff@e2e.test', password: 'township staff password' },
	secretsFile: '.test-data/e2e.json'
};

export function e2eApiKey(): string {
	return JSON.parse(fs.readFileSync(E2E.secretsFile, 'utf8')).apiKey;
}

/** An API key with the role open311 (a civic tool filing service requests). */
export function e2eOpen311Key(): string {
	return JSON.parse(fs.readFileSync(E2E.secretsFile, 'utf8')).open311Key;
}

/** An API key with the role eew_network (the earthquake early-warning network's feed adapter). */
export function e2eEewKey(): string {
	return JSON.parse(fs.readFileSync(E2E.secretsFile, 'utf8')).eewKey;
}

/** The push-service simulator the e2e server runs (tests/e2e-server.ts): origin and subscriber key 0. */
export type PushSimulator = { origin: string; keyIndex: number; p256dh: string; auth: string };

export function e2ePushSimulator(): PushSimulator {
	return JSON.parse(fs.readFileSync(E2E.secretsFile, 'utf8')).pushSimulator;
}

/** The last payload the simulator decrypted for an endpoint id, or null (it has a self-signed certificate). */
export function simulatorPayload(sim: PushSimulator, id: string): Promise<string | null> {
	return new Promise((resolve, reject) => {
		https
			.get(`${sim.origin}/_sim/payloads/${id}`, { rejectUnauthorized: false }, (res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (body += chunk));
				res.on('end', () => resolve(res.statusCode === 200 ? body : null));
			})
			.on('error', reject);
	});
}

/** Every public page, for the accessibility and layout checks. */
export const PUBLIC_PAGES = [
	'/', '/numbers', '/warnings', '/alerts', '/shelters',
	'/guides', '/guides?q=%E5%9C%B0%E9%9C%87', '/guides/earthquake', '/guides/first_aid', '/prepare',
	'/report', '/report/rates', '/map', '/volunteer', '/volunteer/sign-in', '/scenic', '/scenic/simatai', '/assistant', '/offline', '/console/sign-in'
];

/** Signs a staff member in through the console's own form and waits until `next` is open. */
export async function signIn(page: Page, who: { email: string; password: string }, next = '/console'): Promise<void> {
	await page.goto(`/console/sign-in${next === '/console' ? '' : `?next=${next}`}`);
	await page.getByLabel('电子邮箱').fill(who.email);
	await page.getByLabel('密码').fill(who.password);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(new URL(next, page.url()).href);
}

/**
 * The one-time code texted to `phone`: no SMS provider in the journeys, so the text waits
 * in the console's outbox, which an admin reads (`page` signs in as the admin).
 */
export async function outboxCode(page: Page, phone: string): Promise<string> {
	await signIn(page, E2E.admin, '/console/outbox');
	const text = (await page.getByRole('listitem').filter({ hasText: phone }).first().locator('.text').textContent()) ?? '';
	return text.match(/\b(\d{6})\b/)![1]!;
}

/** Hands a push message to the page's service worker with the DevTools protocol (a real `push` event). */
export async function pushTo(page: Page, data: string): Promise<void> {
	const cdp = await page.context().newCDPSession(page);
	const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
	cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => registrations.push(...event.registrations));
	await cdp.send('ServiceWorker.enable');
	await expect.poll(() => registrations.filter((r) => !r.isDeleted).length).toBeGreaterThan(0);
	const origin = new URL(page.url()).origin;
	const registration = registrations.find((r) => !r.isDeleted && r.scopeURL === `${origin}/`)!;
	await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: registration.registrationId, data });
	await cdp.detach();
}
