/**
 * 报平安 / I am safe, during a red flash-flood warning over the demo roll's township:
 * a resident marks themselves safe from the warning page and shares it; a relative who
 * knows the number sees only "marked safe at … (at a shelter)"; another resident replies
 * HELP to the warning text (through a local fake SMS gateway) and a priority request
 * reaches the township; the township's staff see both beside the roll; a third resident
 * asks for help on the web and sees the call-now box before the form. Screenshots at
 * phone size in both languages go to test-results/safety/.
 */
import { expect, test, type Page } from '@playwright/test';
import { redFlashFlood } from './evacuation-fixtures';
import { E2E_SMS_INBOUND_TOKEN, fakeSmsGateway } from './fake-sms-gateway';
import { E2E, signIn } from './fixtures';

// Demo households (src/lib/server/evacuation/seed.ts): phones 1390000NNNN by village and head.
const SAFE_PHONE = '13900000001';
const HELP_PHONE = '13900000010';
const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/safety/${name}.png`, fullPage: true });

test('residents mark themselves safe or ask for help; relatives and staff see what they may', async ({ browser, page, request }) => {
	test.setTimeout(150_000);
	const lift = await redFlashFlood(request, 'safety');
	const staffContext = await browser.newContext();
	try {
		// The warning page offers both answers.
		await page.goto('/warnings');
		await page.getByRole('link', { name: /Red flash flood warning \(safety test\)/ }).first().click();
		const check = page.getByTestId('safety-check');
		await expect(check).toBeVisible();
		await shot(page, 'warning-zh');
		await page.goto(`${page.url()}?lang=en`);
		await expect(check.getByRole('link', { name: 'I need help' })).toBeVisible();
		await shot(page, 'warning-en');
		await page.goto(`${page.url().replace('lang=en', 'lang=zh-CN')}`);
		await check.getByRole('link', { name: '我已安全' }).click();
		await expect(page).toHaveURL(/\/safe\?w=[0-9a-f-]{36}/);
		await page.locator('html[data-hydrated]').waitFor();
		await page.getByLabel('在避难场所').check();
		await page.getByLabel('您的手机号（可不填）').fill('139 0000 0001');
		await page.getByLabel('允许知道我手机号的人看到我已报平安').check();
		await shot(page, 'safe-form-zh');
		await page.getByRole('button', { name: '发送：我已安全' }).click();
		await expect(page.getByTestId('safe-done')).toContainText('您已报平安');
		await expect(page.getByTestId('safe-done')).toContainText('知道您手机号的人现在可以看到');

		// A relative who knows the number: only "safe at … (at a shelter)", in either language.
		await page.goto('/safe/lookup?lang=zh-CN');
		await page.locator('html[data-hydrated]').waitFor();
		await page.getByLabel('对方手机号').fill(SAFE_PHONE);
		await page.getByRole('button', { name: '查询' }).click();
		await expect(page.getByTestId('lookup-answer')).toContainText(/已于 \d\d:\d\d 报平安（在避难场所）/);
		await shot(page, 'lookup-zh');
		await page.goto('/safe/lookup?lang=en');
		await page.locator('html[data-hydrated]').waitFor();
		await page.getByLabel('Their mobile number').fill(SAFE_PHONE);
		await page.getByRole('button', { name: 'Check' }).click();
		await expect(page.getByTestId('lookup-answer')).toContainText(/Marked safe at \d\d:\d\d GMT\+8 \(at a shelter\)/);
		await shot(page, 'lookup-en');
		// A number with nothing shared: the same careful "nothing", never "unknown number".
		await page.getByLabel('Their mobile number').fill('13900009999');
		await page.getByRole('button', { name: 'Check' }).click();
		await expect(page.getByTestId('lookup-answer')).toContainText('Nothing shared for this number');

		// Another resident replies HELP to the warning text, through the gateway.
		const gateway = fakeSmsGateway(request);
		const help = await gateway.reply(`+86${HELP_PHONE}`, '求助');
		expect(help.status).toBe(200);
		expect(help.body).toMatchObject({ action: 'need_help', ticket: expect.stringMatching(/^MY-/) });
		expect(help.body.reply).toContain(help.body.ticket!);
		// A gateway without the token is refused, and nothing is recorded.
		expect((await fakeSmsGateway(request, 'wrong-token-wrong-token-wrong-token').reply(`+86${HELP_PHONE}`, 'SAFE')).status).toBe(401);
		// A post without the sender is a 400 that names the field.
		const bad = await request.post('/api/sms/inbound', { headers: { 'x-gateway-token': E2E_SMS_INBOUND_TOKEN }, data: { text: 'SAFE' } });
		expect(bad.status()).toBe(400);
		expect((await bad.json()).error).toMatch(/^from:/);

		// The township's staff see both beside the roll, matched by phone.
		const staff = await staffContext.newPage();
		await signIn(staff, E2E.townStaff, '/console/evacuation');
		await staff.locator('html[data-hydrated]').waitFor();
		const household = (phone: string) => staff.getByTestId('household').filter({ has: staff.locator(`a[href="tel:${phone}"]`) });
		await expect(household(SAFE_PHONE).getByTestId('resident-mark')).toContainText('居民自报：平安');
		await expect(household(SAFE_PHONE).getByTestId('resident-mark')).toContainText('在避难场所');
		await expect(household(HELP_PHONE).getByTestId('resident-mark')).toContainText('居民求助');
		await expect(household(HELP_PHONE).getByTestId('resident-mark')).toContainText(help.body.ticket!);
		// On a phone the list (the work) comes before the counts for the township's staff.
		const listTop = (await staff.getByTestId('household').first().boundingBox())!.y;
		const countsTop = (await staff.getByTestId('picture').first().boundingBox())!.y;
		expect(listTop).toBeLessThan(countsTop);
		await household(HELP_PHONE).scrollIntoViewIfNeeded();
		await staff.screenshot({ path: 'test-results/safety/console-zh.png' });
		await staff.goto('/console/evacuation?lang=en');
		await household(HELP_PHONE).scrollIntoViewIfNeeded();
		await expect(household(HELP_PHONE).getByTestId('resident-mark')).toContainText('Resident asks for help');
		await staff.screenshot({ path: 'test-results/safety/console-en.png' });
		await staff.goto('/console/map?lang=zh-CN');
		await expect(staff.getByTestId('map-evacuation')).toBeVisible();
		await shot(staff, 'map-zh');
		await staff.goto('/console/map?lang=en');
		await expect(staff.getByTestId('map-evacuation')).toContainText('households reached');
		await shot(staff, 'map-en');
		await staff.goto('/console/evacuation/roll?lang=zh-CN');
		// The roll's edit history: the demo seed's households were added by the system.
		await staff.getByTestId('roll-history').locator('summary').click();
		await expect(staff.getByTestId('roll-history')).toContainText('系统 新增了');
		await staff.getByTestId('roll-history').screenshot({ path: 'test-results/safety/roll-history-zh.png' });

		// "I need help" on the web: the call-now box comes first, then the form.
		await page.goto('/safe?s=help&lang=en');
		await page.locator('html[data-hydrated]').waitFor();
		await expect(page.getByTestId('call-now').getByRole('link', { name: 'Call 110 (Police)' })).toBeVisible();
		const callTop = (await page.getByTestId('call-now').boundingBox())!.y;
		const formTop = (await page.getByTestId('help-form').boundingBox())!.y;
		expect(callTop).toBeLessThan(formTop);
		await shot(page, 'help-en');
		await page.getByLabel('Township').selectOption('110118101');
		await page.getByLabel('Address or landmark').fill('Behind the school, second floor');
		await page.getByLabel('A number to call you back').fill('13900000099');
		await page.getByRole('button', { name: 'Send: I need help' }).click();
		await expect(page).toHaveURL(/\/report\/MY-\d{8}-\d{4,}\?t=/);

		await page.goto('/safe?lang=en');
		await shot(page, 'safe-form-en');
		await page.goto('/safe?s=help&lang=zh-CN');
		await shot(page, 'help-zh');
	} finally {
		await staffContext.close();
		await lift();
	}
});

test('without JavaScript, "I am safe" is a plain form post', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	try {
		const page = await context.newPage();
		await page.goto('/safe?lang=en');
		await page.getByLabel('At home').check();
		await page.getByRole('button', { name: 'Send: I am safe' }).click();
		await expect(page.getByTestId('safe-done')).toContainText('You are marked safe');
		// A bad number is named, in the page's language, with a 400.
		await page.getByLabel('Your mobile number (optional)').fill('12345');
		const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/safe?/safe')), page.getByRole('button', { name: 'Send: I am safe' }).click()]);
		expect(response.status()).toBe(400);
		await expect(page.getByText('Enter a mainland mobile number')).toBeVisible();
	} finally {
		await context.close();
	}
});
