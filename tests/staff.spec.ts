/**
 * An admin adds a second warning issuer from the browser (outside tester, 2026-12-05: on a
 * fresh install the only way was a command on the server), and that person signs in.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { E2E, signIn } from './fixtures';

test('an admin adds a warning issuer on the staff page, who then signs in', async ({ page, browser }) => {
	const email = `second-issuer-${Date.now().toString(36)}@e2e.test`;
	await signIn(page, E2E.admin, '/console/staff');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect(page.getByRole('heading', { name: '工作人员', level: 1 })).toBeVisible();
	const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
	const add = page.getByRole('form', { name: '添加工作人员' });
	await add.getByLabel('电子邮箱').fill(email);
	await add.getByLabel('姓名（可选）').fill('第二签发人');
	await add.getByLabel('角色').selectOption('warning_issuer');
	await add.getByLabel('所属单位').selectOption('department:emergency');
	await add.getByLabel('初始密码').fill('short');
	await add.getByRole('button', { name: '添加' }).click();
	// the browser's own check stops a short password first; the server's says the same without it
	await add.getByLabel('初始密码').fill('second issuer password');
	await add.getByRole('button', { name: '添加' }).click();
	await expect(page.getByRole('status').filter({ hasText: '已添加' })).toContainText(email);
	await expect(page.getByRole('listitem').filter({ hasText: email })).toContainText('第二签发人');

	const desk = await browser.newContext();
	const other = await desk.newPage();
	await signIn(other, { email, password: 'second issuer password' });
	await expect(other.getByText(`已登录：${email}`)).toBeVisible();
	// not an admin: the staff page is closed to them
	const closed = await other.goto('/console/staff');
	expect(closed?.status()).toBe(403);
	await expect(other.getByRole('heading', { level: 1 })).toHaveText('没有权限 (403)');
	await desk.close();
});
