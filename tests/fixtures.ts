import fs from 'node:fs';
import { DEMO_ADMIN } from '../src/lib/server/demo';

export const E2E = {
	admin: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password },
	handler: { email: 'water-handler@e2e.test', password: 'water handler password' },
	issuer: { email: 'issuer@e2e.test', password: 'warning issuer password' },
	secretsFile: '.test-data/e2e.json'
};

export function e2eApiKey(): string {
	return JSON.parse(fs.readFileSync(E2E.secretsFile, 'utf8')).apiKey;
}

/** An API key with the role open311 (a civic tool filing service requests). */
export function e2eOpen311Key(): string {
	return JSON.parse(fs.readFileSync(E2E.secretsFile, 'utf8')).open311Key;
}

/** Every public page, for the accessibility and layout checks. */
export const PUBLIC_PAGES = [
	'/', '/numbers', '/warnings', '/shelters',
	'/guides', '/guides?q=%E5%9C%B0%E9%9C%87', '/guides/earthquake', '/guides/first_aid', '/prepare',
	'/report', '/report/rates', '/volunteer', '/volunteer/sign-in', '/scenic', '/scenic/simatai', '/assistant', '/offline', '/console/sign-in'
];
