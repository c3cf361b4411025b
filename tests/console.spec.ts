import { expect, test, type Page } from '@playwright/test';
import { E2E, signIn } from './fixtures';

test('staff sign in, reach a guarded page, sign out — and the old session is dead', async ({ page, context }) => {
	await page.goto('/console/departments');
	await expect(page).toHaveURL(/\/console\/sign-in\?next=%2Fconsole%2Fdepartments$/);

	await page.getByLabel('电子邮箱').fill(E2E.admin.email);
	await page.getByLabel('密码').fill('not the password');
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page.getByRole('alert')).toHaveText('邮箱或密码不正确。');
	await expect(page.getByLabel('电子邮箱')).toHaveValue(E2E.admin.email);

	await page.getByLabel('密码').fill(E2E.admin.password);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/console\/departments$/);
	await expect(page.getByRole('link', { name: '北京市密云区水务局' })).toBeVisible();

	const session = (await context.cookies()).find((c) => c.name === 'sm_session');
	expect(session?.httpOnly).toBe(true);
	expect(session?.sameSite).toBe('Lax');

	await page.getByRole('button', { name: '退出登录' }).click();
	await expect(page).toHaveURL(/\/console\/sign-in$/);
	await page.goto('/console');
	await expect(page).toHaveURL(/\/console\/sign-in/);

	// Putting the old cookie back does not bring the session back.
	await context.addCookies([session!]);
	const me = await page.request.get('/api/me');
	expect(await me.json()).toEqual({ kind: 'anon', role: null });
});

test('an admin edits a department; a wrong phone is refused at the field', async ({ page }) => {
	await signIn(page, E2E.admin);
	await page.goto('/console/departments/emergency');
	await page.getByLabel('值班电话').fill('call me maybe');
	await page.getByRole('button', { name: '保存' }).click();
	await expect(page.getByText('电话号码格式不正确。')).toBeVisible();
	await expect(page.getByLabel('值班电话')).toHaveAttribute('aria-invalid', 'true');

	await page.getByLabel('值班电话').fill('010-69000110');
	await page.getByRole('button', { name: '保存' }).click();
	await expect(page).toHaveURL(/\/console\/departments$/);
	await expect(page.getByRole('listitem').filter({ hasText: /\bemergency ·/ })).toContainText('010-69000110');
});

test('a handler may update only their own department’s phone', async ({ page }) => {
	await signIn(page, E2E.handler);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('water-handler@e2e.test');

	const other = await page.goto('/console/departments/fire_rescue');
	expect(other?.status()).toBe(403);

	await page.goto('/console/departments/water');
	await expect(page.getByLabel('中文名称')).toHaveAttribute('readonly', '');
	await page.getByLabel('值班电话').fill('010-69001234');
	await page.getByRole('button', { name: '保存' }).click();
	await expect(page).toHaveURL(/\/console\/departments$/);
	await expect(page.getByRole('listitem').filter({ hasText: /\bwater ·/ })).toContainText('010-69001234');
});

test('sign-in works without JavaScript', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
	const page = await context.newPage();
	await signIn(page, E2E.admin);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('演示管理员');
	await context.close();
});
