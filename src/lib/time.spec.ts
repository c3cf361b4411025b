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
import { beijingClock, beijingDay, beijingShortTime, beijingTime, beijingWeekday, beijingWeekdayTime } from './time';

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

describe('every time shown goes through time.ts', () => {
	// Not moved tonight, already Beijing time: the messaging module and the assistant's
	// answers are being changed by other work; move them when that has merged.
	const LATER = [path.join('src', 'lib', 'server', 'messaging', 'message.ts'), path.join('src', 'lib', 'server', 'assistant', 'answers.ts')];

	it('no page, component or module formats a time itself', () => {
		const offenders = sourceFiles('src')
			.filter(({ file }) => file !== path.join('src', 'lib', 'time.ts') && !LATER.includes(file))
			.filter(({ code }) => /\.toLocale(?:Date|Time)?String\(|Intl\.DateTimeFormat|\.get(?:Hours|Minutes|Day|Date|Month|FullYear)\(\)/.test(code))
			.map(({ file }) => file);
		expect(offenders).toEqual([]);
	});
});
