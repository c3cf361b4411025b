/** The assistant's hook into 报平安: its emergency answers end with "I need help", linking to the same form as the warning page. */
import { describe, expect, it } from 'vitest';
import { emergencyAnswer, translator } from '../assistant/answers';
import { safetyLinks } from './assistant-links';

describe('the assistant’s links to I am safe / I need help', () => {
	const thread = '0b7c1f2e-1111-4222-8333-444455556666';

	it('links a warning’s thread to both answers, and none to help only', () => {
		const t = translator('en');
		expect(safetyLinks(t, thread)).toEqual([
			{ href: `/safe?w=${thread}&s=safe`, title: 'I am safe' },
			{ href: `/safe?w=${thread}&s=help`, title: 'I need help' }
		]);
		expect(safetyLinks(translator('zh-CN'), null, 'help')).toEqual([{ href: '/safe?s=help', title: expect.any(String) }]);
	});

	it('ends an emergency answer with "I need help", after the numbers to call', () => {
		const answer = emergencyAnswer('en', ['119']);
		expect(answer.links[0]!.href).toBe('tel:119');
		expect(answer.links.at(-1)).toEqual({ href: '/safe?s=help', title: 'I need help' });
	});
});
