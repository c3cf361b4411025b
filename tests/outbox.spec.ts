/**
 * The console outbox on the embedded demo (no SMS gateway): a sign-in code is shown only
 * because this is demo data, and says so; every message shows whether it is waiting,
 * sent or expired.
 */
import { expect, test } from '@playwright/test';
import { E2E, signIn } from './fixtures';

test('the demo outbox marks a sign-in code as demo and shows its state', async ({ browser, page: admin }) => {
	const phone = '13800000777';
	const context = await browser.newContext({ locale: 'zh-CN' });
	const volunteer = await context.newPage();
	await volunteer.goto('/volunteer/sign-in');
	await volunteer.getByLabel('手机号').fill(phone);
	await volunteer.getByRole('button', { name: '发送验证码' }).click();
	await expect(volunteer.getByRole('status')).toContainText(phone);

	await signIn(admin, E2E.admin, '/console/outbox');
	const item = admin.getByRole('listitem').filter({ hasText: phone }).first();
	await expect(item).toContainText('演示数据：仅内置演示库在此显示验证码');
	await expect(item).toContainText('待发送');
	await expect(item.locator('.text')).toHaveText(/\b\d{6}\b/);
	await context.close();
});

test('the old console address of the outbox leads to /console/outbox', async ({ page: admin }) => {
	await signIn(admin, E2E.admin, '/console/outbox');
	const response = await admin.goto('/console/volunteers/outbox');
	expect(new URL(admin.url()).pathname).toBe('/console/outbox');
	expect(response?.status()).toBe(200);
	await expect(admin.getByRole('heading', { level: 1 })).toBeVisible();
});
