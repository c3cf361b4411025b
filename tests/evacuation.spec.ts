/**
 * Evacuation during a warning: a red flash-flood warning covers demo villages of 溪翁庄镇;
 * the township's staff member marks three households on a phone (one while offline: it
 * waits on the device and is sent once); the district desk, on its own page, sees the
 * counts change live, without reloading.
 */
import { expect, test, type Page } from '@playwright/test';
import { redFlashFlood, XIWENGZHUANG } from './evacuation-fixtures';
import { E2E, signIn } from './fixtures';

const count = (page: Page, name: string) => page.getByTestId(`town-${XIWENGZHUANG}`).locator(`[data-count="${name}"]`);

test('a red flash-flood warning lists the demo roll; staff mark three households and the desk sees the counts change live', async ({ browser, request }) => {
	// Two signed-in contexts and a live stream on a shared, busy machine.
	test.setTimeout(120_000);
	const lift = await redFlashFlood(request);
	const staffContext = await browser.newContext();
	const deskContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	try {
		const desk = await deskContext.newPage();
		await signIn(desk, E2E.admin, '/console/evacuation');
		await desk.locator('html[data-hydrated]').waitFor();
		await expect(count(desk, 'to_notify')).not.toHaveText('0');
		const before = Number(await count(desk, 'to_notify').textContent());
		const movedBefore = Number(await count(desk, 'moved').textContent());
		const notifiedBefore = Number(await count(desk, 'notified').textContent());

		const staff = await staffContext.newPage();
		await signIn(staff, E2E.townStaff, '/console/evacuation');
		await staff.locator('html[data-hydrated]').waitFor();
		const waiting = staff.getByTestId('household').filter({ has: staff.locator('[data-testid="status"]', { hasText: '尚未通知' }) });
		await expect(waiting.first()).toBeVisible();
		// The vulnerable come first in a cadre's group.
		await expect(staff.getByTestId('household').first()).toHaveClass(/vulnerable/);

		const first = waiting.first();
		const name1 = await first.locator('.head strong').textContent();
		await first.getByRole('button', { name: '已通知：电话' }).click();
		await expect(staff.getByTestId('household').filter({ hasText: name1! }).getByTestId('status')).toContainText('已通知');

		const second = waiting.first();
		const name2 = await second.locator('.head strong').textContent();
		await second.getByRole('button', { name: '已转移至避难场所' }).click();
		await expect(staff.getByTestId('household').filter({ hasText: name2! }).getByTestId('status')).toContainText('已转移');

		// Offline: the mark waits on the device, and is sent once the connection is back.
		const third = waiting.first();
		const name3 = await third.locator('.head strong').textContent();
		await staffContext.setOffline(true);
		await third.getByRole('button', { name: '已转移：投亲靠友' }).click();
		await expect(staff.getByTestId('queued')).toBeVisible();
		await staffContext.setOffline(false);
		await expect(staff.getByTestId('queued')).toBeHidden({ timeout: 20_000 });
		await expect(staff.getByTestId('household').filter({ hasText: name3! }).getByTestId('status')).toContainText('投亲靠友');

		// The desk never reloaded: the live stream brought the counts.
		await expect(count(desk, 'moved')).toHaveText(String(movedBefore + 2));
		await expect(count(desk, 'notified')).toHaveText(String(notifiedBefore + 1));
		await expect(count(desk, 'to_notify')).toHaveText(String(before - 3));
		// Each mark was stored once: the household sent offline has one mark.
		await staff.reload();
		await expect(staff.getByTestId('household').filter({ hasText: name3! }).getByTestId('status')).not.toContainText('记录');
	} finally {
		await staffContext.close();
		await deskContext.close();
		await lift();
	}
});

test('without JavaScript a mark is a plain form post', async ({ browser, request }) => {
	test.setTimeout(120_000);
	const lift = await redFlashFlood(request);
	const context = await browser.newContext({ javaScriptEnabled: false });
	try {
		const page = await context.newPage();
		await signIn(page, E2E.townStaff, '/console/evacuation');
		const household = page.getByTestId('household').first();
		const name = await household.locator('.head strong').textContent();
		await household.getByRole('button', { name: '联系不上' }).click();
		await expect(page.getByTestId('household').filter({ hasText: name! }).getByTestId('status')).toContainText('联系不上');
	} finally {
		await context.close();
		await lift();
	}
});
