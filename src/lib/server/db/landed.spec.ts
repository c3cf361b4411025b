import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from './index';
import { LANDED_FILE, readLanded } from './landed';
import { readMigrations } from './migrate';

describe('landed migrations are frozen', () => {
	const landed = readLanded(LANDED_FILE);
	const current = new Map(readMigrations(MIGRATIONS_DIR).map((m) => [m.file, m.sha256]));

	it('lists the migrations that have landed', () => {
		expect(landed.size).toBeGreaterThanOrEqual(11);
	});

	it('keeps every landed migration, unchanged (add a new file instead of editing one)', () => {
		const changed = [...landed].filter(([file, sha]) => current.get(file) !== sha).map(([file]) => file);
		expect(changed).toEqual([]);
	});

	it('orders every new migration after the landed ones, so existing databases apply it last', () => {
		const last = [...landed.keys()].sort().at(-1)!;
		const early = [...current.keys()].filter((file) => !landed.has(file) && file < last);
		expect(early).toEqual([]);
	});
});
