import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		expect: { requireAssertions: true },
		globalSetup: ['./tests/setup/global-setup.ts'],
		// The database suites share one PostgreSQL server and open PGlite (WASM) instances:
		// two workers match the two cores of these machines.
		maxWorkers: 2,
		testTimeout: 60_000,
		hookTimeout: 120_000,
		projects: [
			{
				extends: true,
				test: {
					name: 'server',
					environment: 'node',
					include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts'],
					exclude: ['src/**/*.svelte.spec.ts']
				}
			}
		]
	}
});
