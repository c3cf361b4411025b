/**
 * Hazard reports end to end: a resident files with a photo, the desk dispatches, the
 * water bureau accepts and replies, the resident rates and the rates change; the same
 * form with JavaScript off; a report made offline arrives exactly once.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import sharp from 'sharp';
import { E2E, signIn } from './fixtures';

async function staffPage(browser: Browser, who: { email: string; password: string }) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signIn(page, who);
	return page;
}

async function fillReport(page: Page, r: { category: string; description: string; town: string; village?: string; address?: string }) {
	await page.getByLabel('隐患类别').selectOption(r.category);
	await page.getByLabel('问题描述（具体位置、情况）').fill(r.description);
	await page.getByLabel('乡镇（街道）').selectOption(r.town);
	if (r.village) await page.getByLabel('村 / 社区').selectOption(r.village);
	if (r.address) await page.getByLabel('详细地址或标志物').fill(r.address);
}

const photo = () =>
	sharp({ create: { width: 120, height: 90, channels: 3, background: '#2266aa' } })
		.jpeg()
		.withExif({ IFD0: { Make: 'E2ECam' } })
		.toBuffer();

test('a resident reports with a photo; dispatched, accepted, answered, rated — and the rates change', async ({ page, browser }) => {
	await page.goto('/report/rates');
	await expect(page.getByRole('row', { name: /北京市密云区水务局/ })).toHaveCount(0);

	await page.goto('/report');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await fillReport(page, {
		category: 'flood_water',
		description: 'The culvert under the village road is blocked; water is 30 cm deep after rain',
		town: '110118101',
		village: '110118101001',
		address: 'East end of the bridge'
	});
	await page.getByLabel('姓名').fill('Resident Li');
	await page.getByLabel('电话', { exact: true }).fill('13800001111');
	await page.getByLabel('照片（最多 4 张）').setInputFiles({ name: 'culvert.jpg', mimeType: 'image/jpeg', buffer: await photo() });
	await page.getByRole('button', { name: '提交反映' }).click();

	await expect(page).toHaveURL(/\/report\/MY-\d{8}-\d{4}\?t=/);
	const tracking = page.url();
	const ticket = tracking.match(/MY-\d{8}-\d{4}/)![0];
	await expect(page.getByText(ticket, { exact: true })).toBeVisible();
	// Flooding has a routing rule (→ water bureau): dispatched at once (直派), with its deadlines.
	await expect(page.getByText('已派单，待签收')).toBeVisible();
	await expect(page.locator('dd', { hasText: '北京市密云区水务局' })).toBeVisible();
	await expect(page.getByText('按此类问题的分派规则直接派单')).toBeVisible();
	await expect(page.getByText('签收期限')).toBeVisible();
	await page.screenshot({ path: 'screenshots/report-direct-dispatch-zh.png', fullPage: true });
	const img = page.getByRole('img', { name: '反映时上传的照片' });
	await expect(img).toBeVisible();
	const bytes = await (await page.request.get((await img.getAttribute('src'))!)).body();
	expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
	expect(bytes.includes('E2ECam')).toBe(false);

	// Someone else with the same problem joins it ("我也遇到了") and gets a tracking link of their own.
	const other = await browser.newPage();
	await other.goto('/report');
	await other.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await fillReport(other, { category: 'flood_water', description: 'Road flooded by the blocked culvert near the bridge', town: '110118101', village: '110118101001' });
	await other.getByRole('button', { name: '提交反映' }).click();
	await expect(other.getByRole('heading', { name: '附近是否已有人反映？' })).toBeVisible();
	await other.getByRole('listitem').filter({ hasText: ticket }).getByRole('button', { name: '我也遇到了' }).click();
	await expect(other).toHaveURL(new RegExp(`/report/${ticket}\\?t=`));
	await expect(other.getByText('您已加入此报告：这是您自己的跟踪链接。')).toBeVisible();
	expect(other.url()).not.toBe(tracking);
	await other.close();

	// The dispatch desk (the demo admin) sees it as dispatched by rule; it may dispatch it again.
	const desk = await staffPage(browser, E2E.admin);
	await desk.getByRole('link', { name: '诉求', exact: true }).click();
	await expect(desk.getByRole('listitem').filter({ hasText: ticket }).getByText('规则直派')).toBeVisible();
	await desk.getByRole('link', { name: new RegExp(ticket) }).click();
	await expect(desk.getByText('13800001111')).toBeVisible();
	await expect(desk.getByRole('button', { name: '改派', exact: true })).toBeVisible();

	// The water bureau's handler accepts and replies.
	const water = await staffPage(browser, E2E.handler);
	await water.goto('/console/reports');
	await water.getByRole('link', { name: new RegExp(ticket) }).click();
	await expect(water.getByText('13800001111')).toBeVisible();
	await water.getByRole('button', { name: '签收（开始办理）' }).click();
	await expect(water.getByText('办理中')).toBeVisible();
	await water.getByLabel('答复群众').fill('Culvert cleared on site; the road is dry again.');
	await water.getByRole('button', { name: '答复并办结' }).click();
	await expect(water.getByText('已办结并答复')).toBeVisible();

	// The resident sees the reply and rates it.
	await page.goto(tracking);
	await expect(page.getByText('Culvert cleared on site; the road is dry again.').first()).toBeVisible();
	await expect(page.getByText('北京市密云区水务局已签收')).toBeVisible();
	await expect(page.getByText('13800001111')).toHaveCount(0);
	await page.getByLabel('满意', { exact: true }).check();
	await page.getByRole('button', { name: '提交评价' }).click();
	await expect(page.getByText('您的评价：满意。')).toBeVisible();

	await page.goto('/report/rates');
	const row = page.getByRole('row', { name: /北京市密云区水务局/ });
	await expect(row).toHaveCount(1);
	await expect(row.getByRole('cell')).toHaveText(['1', '100%', '100%', /100%/]);

	// Another township's view: the tracking link with a wrong token shows nothing.
	const wrong = await page.goto(tracking.replace(/t=[^&]+/, 't=' + 'x'.repeat(32)));
	expect(wrong?.status()).toBe(404);
});

test.describe('with JavaScript off', () => {
	test.use({ javaScriptEnabled: false });

	test('the form still works: emergencies first, then the report is filed', async ({ page }) => {
		await page.goto('/report');
		await fillReport(page, {
			category: 'ebike_charging',
			description: 'E-bikes charging in the stairwell, smoke seen yesterday, cables everywhere',
			town: '110118001',
			address: 'Building 3, Gulou'
		});
		await page.getByRole('button', { name: '提交反映' }).click();
		// "smoke": call 119 first, before anything is filed.
		await expect(page.getByRole('heading', { name: '这可能是紧急情况：请立即拨打电话' })).toBeVisible();
		await expect(page.getByRole('main').getByRole('link', { name: '拨打 119（火警）' })).toHaveAttribute('href', 'tel:119');
		await expect(page.getByLabel('详细地址或标志物')).toHaveValue('Building 3, Gulou');

		await page.getByRole('button', { name: '提交反映' }).click();
		await expect(page).toHaveURL(/\/report\/MY-\d{8}-\d{4}\?t=/);
		// no routing rule names a unit for e-bike charging: it waits for the desk (属地), by a deadline
		await expect(page.getByText('已受理，待派单')).toBeVisible();
		await expect(page.getByText('派单期限')).toBeVisible();
	});

	test('a field mistake is shown at the field', async ({ page }) => {
		await page.goto('/report');
		await page.getByLabel('问题描述（具体位置、情况）').fill('hmm');
		await page.getByRole('button', { name: '提交反映' }).click();
		await expect(page.getByLabel('隐患类别')).toHaveAttribute('aria-invalid', 'true');
		await expect(page.getByText('请用至少 5 个字描述隐患。')).toBeVisible();
	});
});

test('a report made offline is kept on the device and arrives exactly once when the network returns', async ({ page, context }) => {
	await page.goto('/report');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect(page.getByRole('button', { name: '使用我的位置' })).toBeVisible(); // hydrated
	await fillReport(page, {
		category: 'road_bridge',
		description: 'A pothole 40 cm wide on the bridge deck, cars swerve around it',
		town: '110118106',
		address: 'Mujiayu bridge'
	});
	const key = await page.locator('input[name=key]').inputValue();
	const token = await page.locator('input[name=token]').inputValue();

	await context.setOffline(true);
	await page.getByRole('button', { name: '提交反映' }).click();
	await expect(page.getByText('等待发送：1 条')).toBeVisible();

	await context.setOffline(false);
	const mine = page.getByRole('region', { name: '本机提交的反映' });
	await expect(mine.getByRole('link', { name: /MY-\d{8}-\d{4}/ })).toHaveCount(1);
	await expect(page.getByText('等待发送：1 条')).toHaveCount(0);
	const ticket = (await mine.getByRole('link').first().textContent())!.trim();

	// The same key sent again (a retry after a dropped answer) gives the same report.
	// (A browser sends its Origin; SvelteKit refuses cross-site form posts.)
	const again = await page.request.post('/api/reports', {
		headers: { origin: new URL(page.url()).origin },
		multipart: {
			key,
			token,
			category: 'road_bridge',
			description: 'A pothole 40 cm wide on the bridge deck, cars swerve around it',
			town: '110118106',
			address: 'Mujiayu bridge'
		}
	});
	expect(again.status()).toBe(200);
	expect(await again.json()).toMatchObject({ ticket, created: false });

	const desk = await page.context().browser()!.newContext();
	const staff = await desk.newPage();
	await signIn(staff, E2E.admin);
	await staff.goto('/console/reports?f=all');
	await expect(staff.getByRole('link', { name: new RegExp(ticket) })).toHaveCount(1);
	// This report's own line (other journeys file road reports of their own).
	await expect(staff.getByRole('link', { name: new RegExp(ticket) })).toContainText('道路 / 桥梁 / 塌陷');
});

test('offline, a report is checked before it is kept, and two reports one after the other both arrive', async ({ page, context }) => {
	await page.goto('/report');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect(page.getByRole('button', { name: '使用我的位置' })).toBeVisible(); // hydrated
	await context.setOffline(true);
	// Without a place the server would refuse it later, with nobody there to tell: said now, nothing kept.
	await fillReport(page, { category: 'road_bridge', description: 'Offline first: a guard rail torn off at the reservoir road bend', town: '110118106' });
	await page.getByRole('button', { name: '提交反映' }).click();
	await expect(page.locator('#address-error')).toBeVisible();
	await expect(page.getByText(/等待发送/)).toHaveCount(0);
	await page.getByLabel('详细地址或标志物').fill('Reservoir road, 2 km past the dam');
	const firstKey = await page.locator('input[name=key]').inputValue();
	await page.getByRole('button', { name: '提交反映' }).click();
	await expect(page.getByText('等待发送：1 条')).toBeVisible();
	// The form is empty for the next report, under new ids (the device keeps reports by their key).
	await expect(page.getByLabel('问题描述（具体位置、情况）')).toHaveValue('');
	expect(await page.locator('input[name=key]').inputValue()).not.toBe(firstKey);

	await fillReport(page, { category: 'flood_water', description: 'Offline second: water over the ford below the village, 20 cm deep', town: '110118106', address: 'The ford below the village' });
	await page.getByRole('button', { name: '提交反映' }).click();
	await expect(page.getByText('等待发送：2 条')).toBeVisible();

	await context.setOffline(false);
	await expect(page.getByText(/等待发送/)).toHaveCount(0);
	await expect(page.getByRole('region', { name: '本机提交的反映' }).getByRole('link', { name: /MY-\d{8}-\d{4}/ })).toHaveCount(2);
});

test('a kept report the server refuses when the network returns is shown with its text and the reason, not dropped', async ({ page, context }) => {
	await page.goto('/report');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect(page.getByRole('button', { name: '使用我的位置' })).toBeVisible(); // hydrated
	await context.setOffline(true);
	const description = 'Offline with a photo the server cannot read: a landslide scar above the road';
	await fillReport(page, { category: 'geological', description, town: '110118106', address: 'Road above the quarry' });
	// what the browser cannot check: whether the file is a picture
	await page.getByLabel('照片（最多 4 张）').setInputFiles({ name: 'scar.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture at all') });
	await page.getByRole('button', { name: '提交反映' }).click();
	await expect(page.getByText('等待发送：1 条')).toBeVisible();

	await context.setOffline(false);
	const refused = page.getByRole('alert').filter({ hasText: '未能提交：1 条' });
	await expect(refused).toBeVisible();
	await expect(refused.locator('blockquote')).toHaveText(description);
	await expect(refused.locator('.reason')).not.toBeEmpty();
	await expect(page.getByText(/等待发送/)).toHaveCount(0);
	// still there after a reload, until the resident puts it back in the form or says they have read it
	await page.reload();
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect(refused).toBeVisible();
	await refused.getByRole('button', { name: '放回表单' }).click();
	await expect(page.getByText(/未能提交/)).toHaveCount(0);
	await expect(page.getByLabel('问题描述（具体位置、情况）')).toHaveValue(description);
	await expect(page.getByLabel('隐患类别')).toHaveValue('geological');
	await expect(page.getByLabel('乡镇（街道）')).toHaveValue('110118106');
	await expect(page.getByLabel('详细地址或标志物')).toHaveValue('Road above the quarry');
	// sent again without the file that was no picture, it is filed
	await page.getByRole('button', { name: '提交反映' }).click();
	await expect(page).toHaveURL(/\/report\/MY-\d{8}-\d{4}\?t=/);
});

test('a photo larger than the 512 KB default goes through the reports API and comes out small', async ({ page }) => {
	await page.goto('/report');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	const big = await sharp({ create: { width: 2400, height: 1800, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
		.jpeg({ quality: 95 })
		.toBuffer();
	expect(big.length).toBeGreaterThan(1024 * 1024);
	const response = await page.request.post('/api/reports', {
		headers: { origin: new URL(page.url()).origin },
		multipart: {
			key: crypto.randomUUID(),
			token: 'T'.repeat(40),
			category: 'construction',
			description: 'Scaffolding leaning over the pavement',
			town: '110118002',
			address: 'Guoyuan street 5',
			photos: { name: 'big.jpg', mimeType: 'image/jpeg', buffer: big }
		}
	});
	expect(response.status()).toBe(201);
	const { url } = await response.json();
	await page.goto(url);
	const src = await page.getByRole('img', { name: '反映时上传的照片' }).getAttribute('src');
	const stored = await (await page.request.get(src!)).body();
	expect(stored.length).toBeLessThan(big.length);
	expect((await sharp(stored).metadata()).width).toBe(1600);
});
