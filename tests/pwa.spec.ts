import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test } from '@playwright/test';

test('the manifest makes the app installable by Chrome’s criteria', async ({ request }) => {
	const manifest = await (await request.get('/manifest.webmanifest')).json();
	expect(manifest).toMatchObject({ name: '平安密云 Safe Miyun', display: 'standalone', start_url: '/?source=pwa', theme_color: '#0b4f6c' });
	for (const icon of manifest.icons as { src: string }[]) {
		expect((await request.get(icon.src)).status(), icon.src).toBe(200);
	}
	// Chrome never offers to install from an incognito profile, so use a real one.
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: test.info().project.use.launchOptions?.executablePath,
		args: test.info().project.use.launchOptions?.args
	});
	try {
		const page = await context.newPage();
		await page.goto(`${test.info().project.use.baseURL}/`);
		await page.evaluate(() => navigator.serviceWorker.ready);
		const cdp = await context.newCDPSession(page);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);
	} finally {
		await context.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
});

test('after a first visit the app still opens with the network cut', async ({ page, context }) => {
	await page.goto('/?lang=en');
	await page.evaluate(() => navigator.serviceWorker.ready);
	// The first load installs the worker; the second is fetched through it and kept.
	await page.reload();
	await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

	await context.setOffline(true);
	try {
		await page.reload();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Safe Miyun');
		await expect(page.getByRole('link', { name: 'Call 120 (Ambulance)' })).toBeVisible();

		// A page never visited: the offline page, in both languages, with the numbers.
		await page.goto('/volunteer');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('您当前处于离线状态');
		await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
		await expect(page.locator('main a[href="tel:119"]')).toBeVisible();
	} finally {
		await context.setOffline(false);
	}
});

test('the offline page loads its scripts on a nested URL never visited', async ({ page, context }) => {
	await page.goto('/?lang=en');
	await page.evaluate(() => navigator.serviceWorker.ready);
	await page.reload();
	await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

	// The offline page was prerendered at /offline; served for /warnings/…, paths relative to it
	// pointed at /warnings/_app/… (an outside tester saw the script error).
	const errors: string[] = [];
	const misplaced: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	page.on('request', (r) => {
		const { pathname } = new URL(r.url());
		if (/^\/.+\/_app\//.test(pathname)) misplaced.push(pathname);
	});
	await context.setOffline(true);
	try {
		for (const nested of ['/warnings/never-seen-thread', '/guides/some/never-seen-guide']) {
			// Chromium applies the emulated offline state to a service worker that has just
			// (re)started a moment late: once in a clean-clone run the worker's first fetch still
			// reached the server (its 404 page). Asking again tests the same thing.
			await expect(async () => {
				await page.goto(nested);
				await expect(page.getByRole('heading', { level: 1 })).toHaveText('您当前处于离线状态', { timeout: 3000 });
			}).toPass({ timeout: 30_000 });
			await expect(page.locator('main a[href="tel:119"]')).toBeVisible();
			// Its scripts loaded and ran: the layout marks the page once it has hydrated.
			await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		}
		expect(misplaced).toEqual([]);
		expect(errors).toEqual([]);
	} finally {
		await context.setOffline(false);
	}
});
