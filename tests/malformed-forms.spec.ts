/**
 * A form post whose multipart body is broken (no boundary, a cut-off part) is the
 * client's fault: 400 with a body that says what is wrong, never a 500 with a stack.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { E2E, signIn } from './fixtures';

const BROKEN = [
	{ name: 'no boundary', type: 'multipart/form-data', body: 'email=a' },
	{ name: 'a cut-off part', type: 'multipart/form-data; boundary=XyZ', body: '--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\nstaff@' }
];

/**
 * Posts the broken body as a page (HTML: the form again, 400, the message in Chinese)
 * and as `use:enhance` does (JSON: SvelteKit's failure envelope with status 400).
 */
async function expectRefused(request: APIRequestContext, origin: string, path: string, type: string, body: string) {
	// A fresh connection each time: a kept-alive one the server closed while the browser
	// signed in would fail with ECONNRESET, which says nothing about the answer.
	const post = (accept: string) => request.post(path, { headers: { origin, 'content-type': type, accept, connection: 'close' }, data: Buffer.from(body) });
	const html = await post('text/html');
	expect(html.status()).toBe(400);
	const text = await html.text();
	expect(text).not.toMatch(/at \w+ \(|node_modules|Internal Error/);
	expect(text).toContain('表单数据不完整或格式不对');
	const enhanced = await (await post('application/json')).json();
	expect(enhanced).toMatchObject({ type: 'failure', status: 400 });
	expect(enhanced.data).toContain('errors.form_malformed');
}

for (const { name, type, body } of BROKEN) {
	test(`a malformed multipart body (${name}) is a 400 naming the problem, on sign-in and on the map import`, async ({ page, baseURL }) => {
		const origin = new URL(baseURL!).origin;
		await expectRefused(page.request, origin, '/console/sign-in', type, body);
		await signIn(page, E2E.admin, '/console/map/import');
		await expectRefused(page.request, origin, '/console/map/import', type, body);
	});
}

/**
 * Every other form action reads its body through formOf(): a broken body is the error
 * page with 400 and the words for it, never a 500 with a stack (each had been).
 */
async function expectErrorPage(request: APIRequestContext, origin: string, path: string) {
	const post = (accept: string) =>
		request.post(path, { headers: { origin, 'content-type': BROKEN[1]!.type, accept, connection: 'close' }, data: Buffer.from(BROKEN[1]!.body) });
	const html = await post('text/html');
	expect(html.status(), path).toBe(400);
	const text = await html.text();
	expect(text).not.toMatch(/at \w+ \(|node_modules|Internal Error/);
	expect(text).toContain('表单数据不完整或格式不对');
	const enhanced = await post('application/json');
	expect(enhanced.status(), path).toBeLessThan(500);
	expect(await enhanced.json()).toMatchObject({ type: 'error', error: { message: 'form_malformed' } });
}

test('a malformed body is a 400 on the other form actions too, anonymous and staff', async ({ page, baseURL }) => {
	const origin = new URL(baseURL!).origin;
	await expectErrorPage(page.request, origin, '/volunteer/sign-in?/send');
	await signIn(page, E2E.admin, '/console/scenic');
	for (const path of ['/console/scenic?/status', '/console/warnings/new?/preview', '/console/volunteers/events/new?/create']) {
		await expectErrorPage(page.request, origin, path);
	}
});
