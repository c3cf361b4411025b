import { describe, expect, it } from 'vitest';
import { messagesFor } from '../i18n';
import { PAYLOAD_LIMIT, pushPayloads, smsText, type DeliveryWarning } from './message';

// A long Chinese instruction (3 bytes a character) and a detailed area: too much for one push message.
const LONG = '\u8bf7\u7acb\u5373\u8f6c\u79fb\u5230\u9ad8\u5904\u3002'.repeat(80);
// as the database writes it: 3 decimals
const ring = Array.from({ length: 120 }, (_, i) => [116.8 + Math.round(Math.cos(i / 19) * 100) / 1000, 40.4 + Math.round(Math.sin(i / 19) * 100) / 1000]);

const warning = (instruction: string, area: number[][][][] | null): DeliveryWarning => ({
	id: '11111111-1111-4111-8111-111111111111',
	threadId: '22222222-2222-4222-8222-222222222222',
	msgType: 'Alert',
	status: 'Actual',
	hazard: 'flash_flood',
	level: 'red',
	effective: new Date('2026-07-29T12:00:00Z'),
	expires: new Date('2099-07-30T12:00:00Z'),
	areaNames: [{ zh: '溪翁庄镇', en: 'Xiwengzhuang Town' }],
	deadline: new Date('2099-07-30T12:00:00Z'),
	infos: [
		{ lang: 'zh-CN', headline: '\u5c71\u6d2a\u7ea2\u8272\u9884\u8b66', instruction, areaDesc: '\u6eaa\u7fc1\u5e84\u9547' },
		{ lang: 'en', headline: 'Red flash flood warning', instruction: 'Move to high ground now. Do not cross flooded roads.', areaDesc: 'Xiwengzhuang' }
	],
	area
});

describe('what a recipient receives', () => {
	it('fits every push payload in one message, dropping the area before shortening the text', () => {
		const small = pushPayloads(warning('\u8bf7\u7acb\u5373\u8f6c\u79fb\u3002', [[ring]]), messagesFor);
		const fits = JSON.parse(small['zh-CN']('33333333-3333-4333-8333-333333333333'));
		expect(fits.area).not.toBeNull();
		expect(fits.s).toBe('33333333-3333-4333-8333-333333333333');

		const big = pushPayloads(warning(LONG, [[ring, ring], [ring]]), messagesFor);
		const text = big['zh-CN']('33333333-3333-4333-8333-333333333333');
		expect(Buffer.byteLength(text)).toBeLessThanOrEqual(PAYLOAD_LIMIT);
		const payload = JSON.parse(text);
		expect(payload.area).toBeNull();
		expect(payload.body.length).toBeGreaterThan(100);
		expect(JSON.parse(big.en('x')).title).toBe('Red flash flood warning');
	});

	it('puts level, hazard, area, the first instruction and a short link in one text', () => {
		const sms = smsText(warning('\u8bf7\u7acb\u5373\u8f6c\u79fb\u5230\u9ad8\u5904\u3002\u4e0d\u8981\u6d89\u6c34\u3002', null), 'zh-CN', 'https://safe.example.cn', messagesFor);
		expect(sms).toContain('\u5c71\u6d2a\u7ea2\u8272\u9884\u8b66');
		expect(sms).toContain('\u6eaa\u7fc1\u5e84\u9547');
		expect(sms).toContain('\u8bf7\u7acb\u5373\u8f6c\u79fb\u5230\u9ad8\u5904\u3002');
		expect(sms).not.toContain('\u4e0d\u8981\u6d89\u6c34');
		expect(sms.endsWith('https://safe.example.cn/w/22222222')).toBe(true);
		expect(sms.length).toBeLessThanOrEqual(70);
		const en = smsText(warning('x', null), 'en', 'https://safe.example.cn', messagesFor);
		expect(en).toBe('[Safe Miyun] Red flash flood warning Area: Xiwengzhuang Move to high ground now. https://safe.example.cn/w/22222222');
	});

	it('says when a warning that takes effect later does, in the text and the push (delivered at issue)', () => {
		const later = { ...warning('请做好准备。', null), effective: new Date(Date.now() + 3 * 3600_000) };
		const zh = smsText(later, 'zh-CN', 'https://safe.example.cn', messagesFor);
		expect(zh).toMatch(/生效时间 .+（即将生效）/);
		expect(smsText(later, 'en', 'https://safe.example.cn', messagesFor)).toMatch(/Takes effect at /);
		expect(JSON.parse(pushPayloads(later, messagesFor).en('x')).body).toMatch(/^Takes effect at .+\nMove to high ground now/);
		// in force already: no such line
		expect(smsText(warning('x', null), 'en', 'https://safe.example.cn', messagesFor)).not.toMatch(/Takes effect/);
	});

	it('gives an English subscriber an English summary of a Chinese-only warning: what, how severe, where, when, link', () => {
		const chineseOnly = { ...warning('请立即转移到高处。', null), level: 'orange' as const, hazard: 'rainstorm' as const, infos: [warning('请立即转移到高处。', null).infos[0]!] };
		const sms = smsText(chineseOnly, 'en', 'https://safe.example.cn', messagesFor);
		expect(sms).toMatch(/^\[Safe Miyun\] Orange warning: Rainstorm Area: Xiwengzhuang Town\. From Jul 29, 20:00 until Jul 30, 20:00 \(Beijing time\)\. https:\/\/safe\.example\.cn\/w\/22222222$/);
		const push = JSON.parse(pushPayloads(chineseOnly, messagesFor).en('x'));
		expect(push.title).toBe('Orange warning: Rainstorm');
		expect(push.body).toContain('Area: Xiwengzhuang Town.');
		expect(push.body).toContain('Original text: 请立即转移到高处。');
		// Chinese subscribers get the warning's own words
		expect(JSON.parse(pushPayloads(chineseOnly, messagesFor)['zh-CN']('x')).title).toBe('山洪红色预警');
	});
});
