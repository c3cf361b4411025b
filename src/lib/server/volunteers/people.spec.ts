/** A volunteer's township: missing is "required", a code that is none of Miyun's is "unknown township" (it said "required"). */
import { describe, expect, it } from 'vitest';
import { parseProfile } from './people';

describe('the profile form', () => {
	it('tells a missing township from an unknown one', () => {
		const form = (town: string) => {
			const f = new FormData();
			f.set('name', '李');
			f.set('town_code', town);
			return f;
		};
		expect(parseProfile(form('')).errors.town_code).toBe('errors.required');
		expect(parseProfile(form('999')).errors.town_code).toBe('volunteer.errors.unknown_town');
		expect(parseProfile(form('110118101')).errors.town_code).toBeUndefined();
	});
});
