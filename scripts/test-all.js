/**
 * `npm test`: every test, in order —
 *   0. the type check (svelte-check, strict TypeScript), counted as one test,
 *   1. Vitest: unit tests and the database suites (PGlite always; also the PostgreSQL
 *      in TEST_DATABASE_URL when it is set, as CI does),
 *   2. the production build,
 *   3. Playwright journeys in Chromium against that build,
 *   4. the fault suite against that build (`npm run test:faults`: a PostgreSQL instance
 *      of its own, restarted and its connections killed under load).
 * Ends with one line `N passed, N failed`; exits non-zero if anything failed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

fs.mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;

/** @param {string} label @param {string} command @param {string[]} args */
function run(label, command, args) {
	console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
	const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
	return result.status === 0;
}

/** @param {string} file */
function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return null;
	}
}

if (!process.env.TEST_DATABASE_URL) {
	console.log('TEST_DATABASE_URL is not set: the database suites run on PGlite only (CI also runs them on PostgreSQL).');
}

if (run('type check', 'npx', ['svelte-kit', 'sync']) && run('type check', 'npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--threshold', 'error'])) {
	passed += 1;
} else {
	failed += 1;
}

const vitestFile = 'test-results/vitest.json';
fs.rmSync(vitestFile, { force: true });
const vitestOk = run('unit and database tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${vitestFile}`]);
const vitest = readJson(vitestFile);
if (vitest) {
	passed += vitest.numPassedTests;
	failed += vitest.numFailedTests;
}
// A crash before or outside the tests (setup failed, a file did not load) counts as a failure.
if (!vitestOk && (!vitest || vitest.numFailedTests === 0)) failed += 1;

if (run('production build', 'npx', ['vite', 'build', '--logLevel', 'warn'])) {
	const playwrightFile = 'test-results/playwright.json';
	fs.rmSync(playwrightFile, { force: true });
	const playwrightOk = run('browser journeys', 'npx', ['playwright', 'test']);
	const stats = readJson(playwrightFile)?.stats;
	if (stats) {
		passed += stats.expected + (stats.flaky ?? 0);
		failed += stats.unexpected;
	}
	if (!playwrightOk && (!stats || stats.unexpected === 0)) failed += 1;

	const faultsFile = 'test-results/faults.json';
	fs.rmSync(faultsFile, { force: true });
	const faultsOk = run('fault suite', 'npx', ['vitest', 'run', '--config', 'tests/faults/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile=${faultsFile}`]);
	const faults = readJson(faultsFile);
	if (faults) {
		passed += faults.numPassedTests;
		failed += faults.numFailedTests;
	}
	if (!faultsOk && (!faults || faults.numFailedTests === 0)) failed += 1;
} else {
	failed += 1;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
