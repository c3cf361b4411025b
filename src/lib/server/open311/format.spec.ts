import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { formatOfPath, Open311Error, parseFormat, render, renderError } from './format';
import { parseFilters } from './requests';
import { requestLang } from './services';

describe('Open311 formats', () => {
	it('knows json and xml only; errors before a route are XML unless the path says .json', () => {
		expect([parseFormat('json'), parseFormat('xml'), parseFormat('html'), parseFormat(undefined)]).toEqual(['json', 'xml', null, null]);
		expect([formatOfPath('/open311/v2/requests.json'), formatOfPath('/open311/v2/requests.xml'), formatOfPath('/open311/x')]).toEqual(['json', 'xml', 'xml']);
	});

	it('writes well-formed XML from any text: markup escaped, control characters dropped, lists named by their item', async () => {
		const response = render('xml', 'services', 'service', [
			{ service_code: 'a', description: 'x < y & "z" \u0001 </service>', metadata: false, attributes: [{ code: 'k', values: [{ key: 1, name: 'one' }] }] }
		]);
		const body = await response.text();
		expect(body.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<services>')).toBe(true);
		expect(XMLValidator.validate(body)).toBe(true);
		expect(body).toContain('x &lt; y &amp;');
		expect(body).toMatch(/<attributes>\s*<attribute>[\s\S]*<values>\s*<value>\s*<key>1<\/key>/);
		expect(body).toContain('<metadata>false</metadata>');
	});

	it('writes an error per problem, in the spec shape, with the status and any headers', async () => {
		const response = renderError('json', new Open311Error(429, ['slow down', 'really'], { 'retry-after': '5' }));
		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBe('5');
		expect(await response.json()).toEqual([
			{ code: 429, description: 'slow down' },
			{ code: 429, description: 'really' }
		]);
	});

	it('takes the language from locale, then lang, then Accept-Language; Chinese by default', () => {
		const p = (q: string) => new URLSearchParams(q);
		expect(requestLang(p('locale=en_US'), null)).toBe('en');
		expect(requestLang(p('lang=en'), 'zh-CN')).toBe('en');
		expect(requestLang(p('locale=zh-CN'), 'en')).toBe('zh-CN');
		expect(requestLang(p(''), 'en-GB,en;q=0.8')).toBe('en');
		expect(requestLang(p(''), null)).toBe('zh-CN');
		expect(requestLang(p('locale=fr'), null)).toBe('zh-CN');
	});
});

describe('GET requests filters', () => {
	const now = new Date('2026-11-29T12:00:00Z');
	const day = 24 * 3600_000;
	const q = (s: string) => parseFilters(new URLSearchParams(s), now);

	it('defaults to the last 90 days, all statuses, all services', () => {
		expect(q('')).toEqual({ categories: null, from: new Date(now.getTime() - 90 * day), to: now, open: true, closed: true });
	});

	it('opens a 90-day window from a start date alone, or up to an end date alone; a date alone is Beijing midnight', () => {
		expect(q('start_date=2026-06-01T00:00:00Z')).toMatchObject({ to: new Date(Date.parse('2026-06-01T00:00:00Z') + 90 * day) });
		expect(q('end_date=2026-06-01')).toMatchObject({ to: new Date('2026-05-31T16:00:00Z') });
	});

	it('takes comma lists and repeated parameters; service_request_id overrides everything else', () => {
		expect(q('service_code=gas,hazmat&status=open')).toMatchObject({ categories: ['gas', 'hazmat'], open: true, closed: false });
		expect(q('status=closed&status=open')).toMatchObject({ open: true, closed: true });
		expect(q('service_request_id=MY-20261129-0001, MY-20261129-0002&status=bogus')).toEqual({ tickets: ['MY-20261129-0001', 'MY-20261129-0002'] });
	});
});
