/** The JSON and the CAP form of an EEW go through one check: the same facts, the same refusals. */
import { describe, expect, it } from 'vitest';
import type { EewFacts } from '../../eew/message';
import { CapError } from '../warnings/cap';
import { eewCap, eewJson } from './testing';
import { EewInputError, looksLikeEewCap, parseEewCap, parseEewJson } from './validate';

const NOW = Date.parse('2026-12-04T12:00:10Z');
const facts: EewFacts = {
	eventId: 'CENC.2026-12-04.0001',
	sequence: 2,
	msgType: 'Update',
	status: 'Actual',
	originTime: new Date('2026-12-04T12:00:03.400Z'),
	lat: 40.52,
	lon: 117.03,
	depthKm: 12,
	magnitude: 5.3
};

describe('one check for JSON and CAP', () => {
	it('reads the same facts from both', () => {
		expect(parseEewJson(eewJson(facts), NOW)).toEqual(facts);
		const xml = eewCap(facts);
		expect(looksLikeEewCap(xml)).toBe(true);
		expect(parseEewCap(xml, NOW)).toEqual(facts);
	});
	it.each([
		['magnitude', { magnitude: 11 }, 'must be between 0 and 10'],
		['latitude', { lat: 95 }, 'must be between -90 and 90'],
		['depthKm', { depthKm: -1 }, 'must be between 0 and 700'],
		['originTime', { originTime: new Date(NOW - 11 * 60_000) }, 'more than 10 minutes ago'],
		['originTime', { originTime: new Date(NOW + 60_000) }, 'in the future'],
		['eventId', { eventId: 'has space' }, 'letters, digits']
	] as const)('refuses a bad %s in both, naming it', (field, change, problem) => {
		const bad = { ...facts, ...change } as EewFacts;
		expect(() => parseEewJson(eewJson(bad), NOW)).toThrow(EewInputError);
		try {
			parseEewJson(eewJson(bad), NOW);
		} catch (e) {
			expect((e as EewInputError).field).toBe(field === 'latitude' ? 'latitude' : field);
			expect((e as EewInputError).problem).toContain(problem);
		}
		try {
			parseEewCap(eewCap(bad), NOW);
			expect.unreachable();
		} catch (e) {
			expect(e).toBeInstanceOf(CapError);
			expect((e as CapError).problem).toContain(problem);
			expect((e as CapError).element).toMatch(/^alert\/info\[1\]\/parameter\[EEW_/);
		}
	});
	it('refuses fields it does not know, a time without an offset, and a non-earthquake CAP', () => {
		expect(() => parseEewJson({ ...eewJson(facts), extra: 1 }, NOW)).toThrow(/extra/);
		expect(() => parseEewJson({ ...eewJson(facts), originTime: '2026-12-04 12:00:03' }, NOW)).toThrow(/offset/);
		// a day the month does not have is an invalid date, not a rolled-over one "more than 10 minutes ago" (an outside tester's finding)
		expect(() => parseEewJson({ ...eewJson(facts), originTime: '2026-02-30T12:00:03+08:00' }, NOW)).toThrow(/invalid date/);
		expect(() => parseEewJson({ ...eewJson(facts), originTime: '2026-11-31T12:00:03Z' }, NOW)).toThrow(/invalid date/);
		expect(() => parseEewCap(eewCap(facts).replace('<event>Earthquake</event>', '<event>Rainstorm</event>'), NOW)).toThrow(/earthquake/);
	});
});
