import { describe, expect, it } from 'vitest';
import { acceptKit, acceptPlan, validPhone } from './kit';

describe('what the preparedness page accepts from storage', () => {
	it('keeps known kit items only and refuses a broken kit', () => {
		expect(acceptKit({ people: 3, ready: ['water', 'gold', 'radio'] })).toEqual({ people: 3, ready: ['water', 'radio'] });
		expect(acceptKit({ people: 0, ready: [] })).toBeNull();
		expect(acceptKit({ people: 2.5, ready: [] })).toBeNull();
		expect(acceptKit({ people: 2, ready: 'water' })).toBeNull();
		expect(acceptKit('x')).toBeNull();
	});

	it('fills missing plan fields, cuts long ones, refuses non-text', () => {
		expect(acceptPlan({ meet_near: 'gate' })).toMatchObject({ meet_near: 'gate', notes: '' });
		expect(acceptPlan({ notes: 'x'.repeat(900) })?.notes).toHaveLength(500);
		expect(acceptPlan({ meet_near: 5 })).toBeNull();
		expect(acceptPlan(null)).toBeNull();
	});

	it('checks phone numbers loosely', () => {
		expect(['', '010-6904 1234', '+86 138 0000 0000', '12345'].every(validPhone)).toBe(true);
		expect(['call me', '12', 'abc123'].some(validPhone)).toBe(false);
	});
});
