/** A report's ids, made on the server or in the browser, are what the server accepts, and never the same twice. */
import { describe, expect, it } from 'vitest';
import { parseDraft } from './draft';
import { freshIds } from './ids';

describe('freshIds', () => {
	it('gives a version-4 UUID key and a 32-character token the report form accepts', () => {
		const seen = new Set<string>();
		for (let i = 0; i < 500; i++) {
			const { key, token } = freshIds();
			expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
			expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
			seen.add(key).add(token);
		}
		expect(seen.size).toBe(1000);
		const form = new FormData();
		for (const [name, value] of Object.entries({ ...freshIds(), category: 'road_bridge', description: 'A pothole on the bridge deck', town: '110118106' })) form.set(name, value);
		const { errors } = parseDraft(form);
		expect(errors.key).toBeUndefined();
		expect(errors.token).toBeUndefined();
	});
});
