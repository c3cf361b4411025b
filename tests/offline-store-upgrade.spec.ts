/**
 * The offline report queue's IndexedDB store was renamed ('outbox' → 'waiting',
 * database version 2). A phone that kept a report under the old name before the update
 * must still have it waiting afterwards, and send it; nothing is dropped on upgrade.
 */
import { expect, test } from '@playwright/test';

test('a report kept under the old store name is still waiting after the update', async ({ page }) => {
	await page.goto('/');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	// What the previous release left on the phone: version 1, store 'outbox', one report.
	await page.evaluate(
		() =>
			new Promise<void>((resolve, reject) => {
				const req = indexedDB.open('safe-miyun-reports', 1);
				req.onupgradeneeded = () => req.result.createObjectStore('outbox', { keyPath: 'key' });
				req.onerror = () => reject(req.error);
				req.onsuccess = () => {
					const db = req.result;
					const tx = db.transaction('outbox', 'readwrite');
					tx.objectStore('outbox').put({ key: 'old-release-report-0001', fields: [['key', 'old-release-report-0001'], ['category', 'road_damage']], photos: [], savedAt: Date.now() });
					tx.oncomplete = () => {
						db.close();
						resolve();
					};
				};
			})
	);
	// The network fails for reports, so the kept one stays in the queue where the page shows it.
	await page.route('**/api/reports', (route) => route.abort('internetdisconnected'));
	await page.goto('/report');
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	await expect(page.locator('#waiting-title')).toContainText(/1/);

	const stores = await page.evaluate(
		() =>
			new Promise<{ version: number; names: string[]; keys: IDBValidKey[] }>((resolve, reject) => {
				const req = indexedDB.open('safe-miyun-reports');
				req.onerror = () => reject(req.error);
				req.onsuccess = () => {
					const db = req.result;
					const all = db.transaction('waiting').objectStore('waiting').getAllKeys();
					all.onsuccess = () => {
						resolve({ version: db.version, names: [...db.objectStoreNames], keys: all.result });
						db.close();
					};
				};
			})
	);
	expect(stores).toEqual({ version: 2, names: ['waiting'], keys: ['old-release-report-0001'] });
});
