import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/db';
import type { Database } from './port';
import { generateTypes } from './schema-types';

describe('generated database types', () => {
	let db: Database;
	beforeAll(async () => {
		db = await backends()[0]!.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('src/lib/db-types.gen.ts matches the migrated schema (run `npm run gen:types`)', async () => {
		expect(fs.readFileSync('src/lib/db-types.gen.ts', 'utf8')).toBe(await generateTypes(db));
	});
});
