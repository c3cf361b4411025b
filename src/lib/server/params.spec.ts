/** Malformed ids in paths are a 404 before any route runs (they were 500s: the database's cast failed). */
import { describe, expect, it } from 'vitest';
import { malformedParam } from './params';

describe('path ids', () => {
	it('a report number is a positive integer JavaScript and bigint hold exactly', () => {
		for (const id of ['abc', '99999999999999999999', '0', '-1', '1.5', '1e3', ' 1', '0x10']) expect(malformedParam('/console/reports/[id]', { id }), id).toBe('id');
		for (const id of ['1', '42', '9007199254740991']) expect(malformedParam('/console/reports/[id]', { id })).toBeNull();
	});

	it('a volunteer event or registration id is a UUID', () => {
		expect(malformedParam('/console/volunteers/events/[id]', { id: 'not-a-uuid' })).toBe('id');
		expect(malformedParam('/volunteer/registrations/[id]/certificate', { id: '123' })).toBe('id');
		expect(malformedParam('/console/volunteers/events/[id]', { id: crypto.randomUUID() })).toBeNull();
	});

	it('routes without declared shapes are left alone', () => {
		expect(malformedParam('/console/departments/[code]', { code: 'water' })).toBeNull();
		expect(malformedParam(null, {})).toBeNull();
	});
});
