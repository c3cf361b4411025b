/**
 * What a person sees when the database is away for a moment (issue 22): the server then
 * answers form posts 503 with Retry-After (src/lib/server/unavailable.ts, exercised
 * against a real outage by `npm run test:faults`). Here the browser gets that answer
 * (the route is answered as the server answers it during an outage) and must lose
 * nothing: the issuer's half-written warning stays in the form, the resident's report
 * waits on the phone and goes once the database is back, once.
 */
import { expect, test, type Route } from '@playwright/test';
import { E2E, signIn } from './fixtures';

// The answer unavailableResponse() gives a `use:enhance` post while the database is away.
const unavailable = (route: Route) =>
	route.fulfill({
		status: 503,
		headers: { 'content-type': 'application/json', 'retry-after': '1' },
		body: JSON.stringify({ type: 'error', error: { message: 'unavailable' } })
	});

test('the console keeps a half-written warning draft on a 503', async ({ page }) => {
	await signIn(page, E2E.issuer, '/console/warnings/new');
	// A post before the page hydrates is a plain form post, which shows the 503's body as it is (seen once in CI).
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await page.getByLabel('预警级别').selectOption('orange');
	await page.getByLabel('标题').first().fill('密云区发布暴雨橙色预警（草稿）');
	await page.route(/\/console\/warnings\/new\?\/save$/, unavailable);
	await page.getByRole('button', { name: '保存草稿' }).click();
	await expect(page.getByTestId('unavailable')).toHaveText('数据库暂时不可用，内容尚未保存。您填写的内容仍保留在表单中，请稍后再次提交。');
	await expect(page).toHaveURL(/\/console\/warnings\/new$/);
	await expect(page.getByLabel('标题').first()).toHaveValue('密云区发布暴雨橙色预警（草稿）');
	await expect(page.getByLabel('预警级别')).toHaveValue('orange');
});

test('a report refused with 503 waits on the phone and arrives once the database is back', async ({ page }) => {
	await page.goto('/report');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await page.getByLabel('隐患类别').selectOption('road_bridge');
	await page.getByLabel('问题描述（具体位置、情况）').fill('A landslide half blocks the road above the reservoir');
	await page.getByLabel('乡镇（街道）').selectOption('110118106');
	await page.getByLabel('详细地址或标志物').fill('Reservoir road km 3');
	const key = await page.locator('input[name=key]').inputValue();

	// the form post and the queue's first tries meet the outage
	let refused = 0;
	await page.route(/\/report\?\/|\/api\/reports$/, async (route) => {
		if (refused++ < 2) return unavailable(route);
		await route.fallback();
	});
	await page.getByRole('button', { name: '提交反映' }).click();
	await expect(page.getByText('等待发送：1 条')).toBeVisible();
	const mine = page.getByRole('region', { name: '本机提交的反映' });
	await expect(mine.getByRole('link', { name: /MY-\d{8}-\d{4}/ })).toHaveCount(1, { timeout: 30_000 });
	await expect(page.getByText('等待发送：1 条')).toHaveCount(0);
	expect(refused).toBeGreaterThanOrEqual(3);

	// the same key again is the same report, never a second one
	const again = await page.request.post('/api/reports', {
		headers: { origin: new URL(page.url()).origin },
		multipart: { key, token: 'T'.repeat(40), category: 'road_bridge', description: 'again', town: '110118106', address: 'x' }
	});
	expect(again.status()).toBe(200);
	expect(await again.json()).toMatchObject({ created: false, ticket: (await mine.getByRole('link').first().textContent())!.trim() });
});
