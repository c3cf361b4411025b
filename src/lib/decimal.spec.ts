/** Coordinates are plain decimals: '0x28' and '4e1' are not numbers (they were read as 40, then "outside Miyun"). */
import { describe, expect, it } from 'vitest';
import { plainDecimal } from './decimal';
import { parseDraft } from './server/reports/submit';

describe('plain decimal numbers', () => {
	it('takes signs, digits and a fraction; nothing else', () => {
		expect(plainDecimal('40.37')).toBe(40.37);
		expect(plainDecimal(' -116.5 ')).toBe(-116.5);
		expect(plainDecimal('.5')).toBe(0.5);
		expect(plainDecimal('')).toBeNull();
		for (const raw of ['0x28', '4e1', 'Infinity', '0b101', '1,5', '40.3.7', '+', 'NaN']) expect(plainDecimal(raw), raw).toBeNaN();
	});

	it('a report with lat=0x28 is told the location is not a number; one far away, that it is outside', () => {
		const form = (lat: string, lon: string) => {
			const f = new FormData();
			f.set('category', 'flooding');
			f.set('description', '路面积水很深');
			f.set('lat', lat);
			f.set('lon', lon);
			return f;
		};
		expect(parseDraft(form('0x28', '116.84')).errors.location).toBe('reports.errors.location_not_number');
		expect(parseDraft(form('4e1', '116.84')).errors.location).toBe('reports.errors.location_not_number');
		expect(parseDraft(form('95', '116.84')).errors.location).toBe('reports.errors.location');
		expect(parseDraft(form('40.37', '116.84')).errors.location).toBeUndefined();
	});
});
