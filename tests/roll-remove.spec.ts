/** One tap on "移除" in the evacuation roll asks first; dismissing it keeps the household (outside tester, 2026-12-05). */
import { expect, test } from '@playwright/test';
import { E2E, signIn } from './fixtures';

test('removing a household from the roll asks first, and "cancel" keeps it', async ({ page }) => {
	await signIn(page, E2E.admin, '/console/evacuation/roll');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	const rows = page.locator('tbody tr');
	const before = await rows.count();
	expect(before).toBeGreaterThan(0);
	let asked = '';
	page.once('dialog', (dialog) => {
		asked = dialog.message();
		void dialog.dismiss();
	});
	await rows.first().getByRole('button', { name: '移除' }).click();
	await expect.poll(() => asked).toMatch(/^从名册移除 .+ 户（\d+ 人）？/);
	await page.reload();
	await expect(rows).toHaveCount(before);
});

test('removing a household that is gone meanwhile says so, not that one may not mark it', async ({ page }) => {
	await signIn(page, E2E.admin, '/console/evacuation/roll');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	const row = page.locator('tbody tr').first();
	// another cadre removed it a moment ago: the page still shows it
	await row.locator('form[action="?/remove"] input[name=id]').evaluate((input: HTMLInputElement) => (input.value = '00000000-0000-4000-8000-000000000000'));
	page.once('dialog', (dialog) => void dialog.accept());
	await row.getByRole('button', { name: '移除' }).click();
	await expect(page.getByRole('alert')).toContainText('这一户已不在名册上，或不在您负责的乡镇（街道），没有移除。');
});
