/**
 * Beijing time on every device: a phone set to another zone (a tourist's, a laptop on UTC)
 * still shows Beijing time, labelled in English; and no page formats a time by itself,
 * where it would take the device's zone.
 */
// Before any date is made: this process is a device in New York.
process.env.TZ = 'America/New_York';

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './server/testing/source';
import { beijingClock, beijingDay, beijingShortTime, beijingTime, beijingWeekday, beijingWeekdayTime, endOfBeijingDay, fromBeijingInput, parseMoment, toBeijingInput } from './time';

// 19:28 UTC on Friday 4 December is 03:28 on Saturday 5 December in Beijing, 14:28 on the 4th in New York
const AT = '2026-12-04T19:28:00Z';

describe('times on a device in New York', () => {
	it('the device is really elsewhere (the test would prove nothing otherwise)', () => {
		expect(new Date(AT).getHours()).toBe(14);
	});

	it('show Beijing time, in both languages, the zone named in English', () => {
		expect(beijingTime(AT, 'zh-CN')).toBe('2026年12月5日 03:28');
		expect(beijingTime(AT, 'en')).toBe('Dec 5, 2026, 03:28 GMT+8');
		expect(beijingShortTime(AT, 'zh-CN')).toBe('12月5日 03:28');
		expect(beijingClock(AT, 'zh-CN')).toBe('03:28');
		expect(beijingClock(AT, 'en')).toBe('03:28 GMT+8');
		expect(beijingClock(AT, 'zh-CN', { seconds: true })).toBe('03:28:00');
		expect(beijingDay(AT, 'zh-CN')).toBe('2026年12月5日');
		expect(beijingDay(AT, 'en')).toBe('December 5, 2026');
		expect(beijingWeekday(AT, 'zh-CN')).toBe('12月5日周六');
		expect(beijingWeekday(AT, 'en')).toBe('Sat, December 5');
		expect(beijingWeekday(AT, 'zh-CN', { year: true })).toBe('2026年12月5日星期六');
		expect(beijingWeekdayTime(AT, 'en')).toBe('Sat, December 5 at 03:28 GMT+8');
	});

	it('a time not set reads as nothing, not "Invalid Date"', () => {
		expect(beijingTime(null, 'zh-CN')).toBe('');
		expect(beijingTime(undefined, 'en')).toBe('');
	});
});

describe('dates read from forms and the wire, on a device in New York', () => {
	it('a day ends at 23:59:59.999 in Beijing, not at midnight UTC or New York', () => {
		expect(endOfBeijingDay('2027-02-28')?.toISOString()).toBe('2027-02-28T15:59:59.999Z');
		expect(parseMoment('2027-02-28')?.toISOString()).toBe('2027-02-28T15:59:59.999Z');
		expect(endOfBeijingDay('2028-02-29')?.toISOString()).toBe('2028-02-29T15:59:59.999Z');
	});

	it('a day the calendar has not is nothing, never rolled over to the next month', () => {
		for (const bad of ['2027-02-30', '2027-02-29', '2027-04-31', '2027-13-01', '2027-00-10', '2027-1-5', '', 'tomorrow']) {
			expect(endOfBeijingDay(bad)).toBeNull();
			expect(parseMoment(bad)).toBeNull();
		}
		for (const bad of ['2027-02-30T10:00:00Z', '2027-02-28T24:00:00Z', '2027-02-28T10:60Z', '2027-02-28T10:00:00+25:00', '2027-02-28T10:00:00Zjunk']) {
			expect(parseMoment(bad)).toBeNull();
		}
	});

	it('a date-time keeps its zone; one without a zone is Beijing time', () => {
		expect(parseMoment('2027-02-28T10:00:00Z')?.toISOString()).toBe('2027-02-28T10:00:00.000Z');
		expect(parseMoment('2027-02-28T10:00:00.5+08:00')?.toISOString()).toBe('2027-02-28T02:00:00.500Z');
		expect(parseMoment('2027-02-28T10:00-05:00')?.toISOString()).toBe('2027-02-28T15:00:00.000Z');
		expect(parseMoment('2027-02-28T10:00')?.toISOString()).toBe('2027-02-28T02:00:00.000Z');
		expect(parseMoment(new Date('2027-02-28T10:00:00Z').toISOString())?.toISOString()).toBe('2027-02-28T10:00:00.000Z');
	});
});

describe('the console\'s datetime fields', () => {
	it('reads Beijing time, refuses a day the calendar has not, and shows a moment back the same', () => {
		expect(fromBeijingInput('2027-02-28T09:30')?.toISOString()).toBe('2027-02-28T01:30:00.000Z');
		expect(fromBeijingInput('2027-02-30T09:30')).toBeNull();
		expect(fromBeijingInput('2027-02-28T24:00')).toBeNull();
		expect(fromBeijingInput('2027-02-28')).toBeNull();
		expect(fromBeijingInput('')).toBeNull();
		expect(toBeijingInput(new Date('2027-02-28T01:30:00Z'))).toBe('2027-02-28T09:30');
	});
});

describe('every time shown goes through time.ts', () => {
	it('no page, component or module formats a time itself', () => {
		const offenders = sourceFiles('src')
			.filter(({ file }) => file !== path.join('src', 'lib', 'time.ts'))
			.filter(({ code }) => /\.toLocale(?:Date|Time)?String\(|Intl\.DateTimeFormat|\.get(?:Hours|Minutes|Day|Date|Month|FullYear)\(\)/.test(code))
			.map(({ file }) => file);
		expect(offenders).toEqual([]);
	});
});
