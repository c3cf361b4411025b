/**
 * POST /api/subscriptions refuses like the other APIs: a stable code and words in the
 * request's language, each wrong field with its code, words and the technical detail —
 * never English only (an outside tester's finding, 2026-12-04).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '$lib/i18n';
import { parseAllowlist } from '$lib/server/messaging/allowlist';
import { setServices } from '$lib/server/runtime';
import type { Services } from '$lib/server/services';
import { POST } from './+server';

describe('POST /api/subscriptions refusals', () => {
	beforeAll(() => {
		setServices({ config: { delivery: { pushAllowlist: parseAllowlist('') } } } as unknown as Services);
	});
	afterAll(() => setServices(null));

	const post = async (body: string, lang: Lang, type = 'application/json') => {
		const event = {
			request: new Request('http://localhost/api/subscriptions', { method: 'POST', body, headers: { 'content-type': type } }),
			locals: { lang, identity: { kind: 'anon' } },
			getClientAddress: () => '10.9.8.7'
		};
		const response = await (POST as (e: unknown) => Promise<Response>)(event);
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	};

	it('names each wrong field with a code and words in the request’s language', async () => {
		const wrong = JSON.stringify({ phone: '12345', places: [], lang: 'fr' });
		const zh = await post(wrong, 'zh-CN');
		const en = await post(wrong, 'en');
		expect(zh).toMatchObject({
			status: 400,
			body: {
				code: 'invalid',
				error: '有些项目缺失或有误。',
				fields: {
					phone: { code: 'phone', message: '请输入大陆手机号码：以 1 开头的 11 位数字。', detail: 'must be a mainland mobile number (11 digits, starting with 1)' },
					places: { code: 'places' },
					lang: { code: 'invalid', detail: 'must be "zh-CN" or "en"' }
				}
			}
		});
		expect(en).toMatchObject({
			status: 400,
			body: { code: 'invalid', error: 'Some fields are missing or wrong.', fields: { phone: { code: 'phone', message: 'Enter a mainland mobile number: 11 digits starting with 1.' } } }
		});
	});

	it('refuses a place label longer than 100 characters instead of cutting it silently', async () => {
		const long = JSON.stringify({ phone: '13800138000', places: [{ lat: 40.38, lon: 116.84, label: 'x'.repeat(101) }] });
		expect(await post(long, 'en')).toMatchObject({
			status: 400,
			body: { code: 'invalid', fields: { 'places[0].label': { code: 'label_long', message: "A place's name is longer than 100 characters; shorten it." } } }
		});
	});

	it('words a body that is not JSON in the request’s language too', async () => {
		expect(await post('<subscribe/>', 'zh-CN', 'application/xml')).toEqual({ status: 415, body: { code: 'not_json', error: '请以 JSON（application/json）发送订阅。' } });
		expect(await post('{"push":', 'en')).toEqual({ status: 400, body: { code: 'bad_json', error: 'The body is not valid JSON.' } });
	});
});
