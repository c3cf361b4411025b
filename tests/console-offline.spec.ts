/**
 * A console action sent with no network keeps the page as it was and says it did not go
 * through (outside tester, 2026-12-05: the error page took the place of the form and what
 * had been typed was lost).
 */
import { expect, test } from '@playwright/test';
import { E2E, signIn } from './fixtures';

test('saving with no network keeps the form and what was typed, says nothing changed, and goes once back online', async ({ page, context }) => {
	await signIn(page, E2E.admin, '/console/departments/civil_air_defense');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	const phone = page.getByLabel('值班电话');
	const before = await phone.inputValue();
	const typed = before === '010-69041234' ? '010-69045678' : '010-69041234';
	await phone.fill(typed);
	await context.setOffline(true);
	await page.getByRole('button', { name: '保存' }).click();
	await expect(page.getByRole('alert').filter({ hasText: '网络不通' })).toContainText('什么都没有改变');
	await expect(phone).toHaveValue(typed);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('人民防空');

	await context.setOffline(false);
	await page.getByRole('button', { name: '保存' }).click();
	await expect(page).toHaveURL(/\/console\/departments$/);
	await expect(page.getByRole('alert').filter({ hasText: '网络不通' })).toHaveCount(0);
	await page.goto('/console/departments/civil_air_defense');
	await expect(page.getByLabel('值班电话')).toHaveValue(typed);
});
