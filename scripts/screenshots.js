/** Screenshots at a phone viewport (390×844) in both languages: node scripts/screenshots.js / /numbers … (server on :3000, or PORT). */
import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
for (const lang of ['zh-CN', 'en']) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale: lang });
  const page = await ctx.newPage();
  for (const path of process.argv.slice(2)) {
    await page.goto(`http://localhost:${process.env.PORT ?? 3000}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
    await page.screenshot({ path: `screenshots/${lang}${path.replace(/[^a-z0-9]+/gi, '_')}.png`, fullPage: true });
  }
  await ctx.close();
}
await browser.close();
