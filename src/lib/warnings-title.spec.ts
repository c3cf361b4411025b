/**
 * One function gives a warning's title with its drill mark (an outside tester found a
 * drill titled without 演习 on /safe and the console map): real warnings are unmarked,
 * drills and tests marked in the reader's language.
 */
import { describe, expect, it } from 'vitest';
import { makeT } from './i18n';
import { messagesFor } from './server/i18n';
import { warningTitle } from './warnings';

describe('warningTitle', () => {
	const zh = makeT('zh-CN', messagesFor('zh-CN'));
	const en = makeT('en', messagesFor('en'));
	it('marks exercises and tests, in both languages, and leaves the real thing alone', () => {
		expect(warningTitle(zh, 'Exercise', '密云区发布暴雨红色预警')).toBe('【演习】 密云区发布暴雨红色预警');
		expect(warningTitle(zh, 'Test', '测试')).toMatch(/^【测试】/);
		expect(warningTitle(en, 'Exercise', 'Red rainstorm warning')).toBe('[DRILL] Red rainstorm warning');
		expect(warningTitle(zh, 'Actual', '密云区发布暴雨红色预警')).toBe('密云区发布暴雨红色预警');
	});
});
