import { defineConfig } from '@playwright/test';

// Several checkouts may run their journeys at once on one machine: E2E_PORT keeps them apart.
const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
	testDir: 'tests',
	testMatch: '**/*.spec.ts',
	fullyParallel: false,
	workers: 2,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		viewport: { width: 390, height: 844 },
		locale: 'zh-CN',
		launchOptions: {
			// Debian's Chromium; Playwright's own browser download cannot run here.
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking']
		}
	},
	webServer: {
		command: 'npx tsx tests/e2e-server.ts',
		url: `http://127.0.0.1:${PORT}/api/health`,
		env: { PORT: String(PORT), ORIGIN: `http://127.0.0.1:${PORT}` },
		timeout: 240_000,
		reuseExistingServer: false,
		stdout: 'pipe',
		stderr: 'pipe'
	}
});
