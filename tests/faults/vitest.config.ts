/**
 * `npm run test:faults`: the fault suite, apart from the unit and database tests. It
 * runs the built server (build/index.js) against a PostgreSQL instance of its own, one
 * file after the other.
 */
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	root: path.resolve(import.meta.dirname, '../..'),
	test: {
		include: ['tests/faults/*.fault.ts'],
		environment: 'node',
		// The two files mostly wait (leases, Retry-After, a first embedded start): side by side.
		fileParallelism: true,
		maxWorkers: 2,
		expect: { requireAssertions: true },
		testTimeout: 120_000,
		hookTimeout: 180_000
	}
});
