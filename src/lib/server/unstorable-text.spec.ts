/**
 * Text PostgreSQL cannot store (NUL, a lone UTF-16 surrogate) is refused at the door with
 * a 400 naming the field, and nothing is written: the checks, the hook on the JSON, XML
 * and query-string routes, and one JSON route through the hook on both databases.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowlist } from './messaging/allowlist';
import { ANON_CLAIMS, asService } from './db/caller';
import type { Database, Queryable } from './db/port';
import { setServices } from './runtime';
import type { Services } from './services';
import { as, backends } from './testing/db';
import { formOf, readForm } from './http';
import { isUnstorable, unstorableInForm, unstorableInJson, unstorableInXml, unstorableText } from './unstorable-text';
import { POST as subscribe } from '../../routes/api/subscriptions/+server';

const NUL = '\u0000';
const LONE_HIGH = '\ud83d';
const LONE_LOW = '\ude00';

describe('the checks', () => {
	it('finds a NUL and lone surrogates, and lets a paired surrogate (an emoji) through', () => {
		expect(isUnstorable(`a${NUL}b`)).toBe(true);
		expect(isUnstorable(`a${LONE_HIGH}b`)).toBe(true);
		expect(isUnstorable(`a${LONE_LOW}`)).toBe(true);
		expect(isUnstorable(`${LONE_HIGH}`)).toBe(true);
		expect(isUnstorable('积水 😀 ok')).toBe(false);
		// C0 controls XML 1.0 forbids (they broke the CAP feed); tab and line breaks are text
		for (const c of ['\u0001', '\u000b', '\u000c', '\u001b', '\u001f']) expect(isUnstorable(`暴雨${c}预警`)).toBe(true);
		expect(isUnstorable('a\tb\r\nc\u007f')).toBe(false);
		expect(isUnstorable('')).toBe(false);
	});

	it('names the path in JSON, object keys included', () => {
		expect(unstorableInJson({ a: 'ok', places: [{ label: 'x' }, { label: `y${NUL}` }] })).toBe('places[1].label');
		expect(unstorableInJson(JSON.parse('{"message":"help \\ud800 me"}'))).toBe('message');
		expect(unstorableInJson({ [`k${NUL}`]: 1 })).toBe(`k${NUL}`);
		expect(unstorableInJson(`x${NUL}`)).toBe('body');
		expect(unstorableInJson({ a: [1, null, true, 'ok'] })).toBeNull();
	});

	it('names the element in XML, for a raw NUL and for references to NUL or a surrogate', () => {
		expect(unstorableInXml(`<alert><info><headline>flood${NUL}</headline></info></alert>`)).toBe('headline');
		expect(unstorableInXml('<xml><Content>hi &#0; there</Content></xml>')).toBe('Content');
		expect(unstorableInXml('<xml><Content><![CDATA[x]]></Content><FromUserName>&#xD800;</FromUserName></xml>')).toBe('FromUserName');
		expect(unstorableInXml('<a><b>&#55296;</b></a>')).toBe('b');
		expect(unstorableInXml('<a><b>&#57343;</b></a>')).toBe('b');
		expect(unstorableInXml('<a><b>&#1;</b></a>')).toBe('b');
		expect(unstorableInXml('<a><c>&#x1b;</c></a>')).toBe('c');
		expect(unstorableInXml('<a><b>&#9;&#10;&#13;&#x20;</b></a>')).toBeNull();
		// a supplementary character by reference, and ordinary ones, are fine
		expect(unstorableInXml('<a><b>&#128512; &#x1F600; &#20320; &#57344; &#55295;</b></a>')).toBeNull();
	});

	it('names the field of a form or a query string', () => {
		expect(unstorableInForm(new URLSearchParams(`q=%00&x=1`))).toBe('q');
		const form = new FormData();
		form.set('name', 'ok');
		form.set('note', `a${NUL}`);
		expect(unstorableInForm(form)).toBe('note');
	});
});

describe('forms, where every page action reads them (readForm, formOf)', () => {
	const post = (body: string, type = 'application/x-www-form-urlencoded') =>
		new Request('http://localhost/safe', { method: 'POST', body, headers: { 'content-type': type } });

	it('answer 400 naming the field (the error page words it), for url-encoded and multipart bodies', async () => {
		for (const read of [readForm, formOf]) {
			await expect(read(post('name=Li&note=trapped%00'))).rejects.toMatchObject({ status: 400, body: { message: 'text_unstorable', field: 'note' } });
			await expect(read(post('headline_zh=%E6%9A%B4%01%0B%1B'))).rejects.toMatchObject({ status: 400, body: { message: 'text_unstorable', field: 'headline_zh' } });
			const multipart = '--b\r\nContent-Disposition: form-data; name="description"\r\n\r\nwater\u0000\r\n--b--\r\n';
			await expect(read(post(multipart, 'multipart/form-data; boundary=b'))).rejects.toMatchObject({ status: 400, body: { field: 'description' } });
			expect((await read(post('name=%E6%9D%8E&note=ok')))!.get('name')).toBe('李');
		}
	});
});

type Event = Pick<RequestEvent, 'request' | 'url' | 'params' | 'route'>;

function event(path: string, o: { method?: string; body?: string; type?: string; accept?: string; route: string; params?: Record<string, string> }): Event {
	const url = new URL(`http://localhost${path}`);
	const headers: Record<string, string> = {};
	if (o.type) headers['content-type'] = o.type;
	if (o.accept) headers.accept = o.accept;
	return { request: new Request(url, { method: o.method ?? (o.body === undefined ? 'GET' : 'POST'), body: o.body, headers }), url, params: o.params ?? {}, route: { id: o.route } } as Event;
}

/** The hook's answer, and whether the route was reached. */
async function through(e: Event) {
	let reached = false;
	const response = await unstorableText({
		event: e as RequestEvent,
		resolve: async () => {
			reached = true;
			return new Response('the route');
		}
	});
	return { reached, status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

describe('the hook', () => {
	const refusedApi = async (e: Event, field: string) => {
		const answer = await through(e);
		expect(answer.reached).toBe(false);
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.text)).toMatchObject({ field, code: 'text_unstorable', error: expect.stringContaining(`${field}: `) });
	};

	it('refuses JSON bodies on the APIs, whatever content type they declare', async () => {
		await refusedApi(event('/api/assistant', { route: '/api/assistant', type: 'application/json', body: '{"message":"被困\\u0000","lang":"zh-CN"}' }), 'message');
		await refusedApi(event('/api/assistant', { route: '/api/assistant', type: 'application/json', body: '{"message":"help \\ud83d"}' }), 'message');
		await refusedApi(event('/api/sms/inbound', { route: '/api/sms/inbound', type: 'text/plain', body: '{"from":"13800138000","text":"1\\u0000"}' }), 'text');
		await refusedApi(event('/api/eew', { route: '/api/eew', type: 'application/json', body: '{"eventId":"e\\udc00","sequence":1}' }), 'eventId');
		await refusedApi(event('/api/subscriptions/abc/confirm', { route: '/api/subscriptions/[id]/confirm', type: 'application/json', body: '{"code":"12\\u00003"}' }), 'code');
		await refusedApi(event('/console/evacuation/marks', { route: '/console/evacuation/marks', type: 'application/json', body: '{"note":"\\u0000"}' }), 'note');
	});

	it('refuses XML bodies (CAP, WeChat) naming the element', async () => {
		await refusedApi(event('/api/cap', { route: '/api/cap', type: 'application/cap+xml', body: '<alert><identifier>x&#0;</identifier></alert>' }), 'identifier');
		await refusedApi(event('/wechat', { route: '/wechat', type: 'text/xml', body: `<xml><Content>救命${NUL}</Content></xml>` }), 'Content');
	});

	it('refuses query strings and path parameters; Open311 in its own error list', async () => {
		const open311 = await through(event('/open311/v2/requests.json?service_code=%00', { route: '/open311/v2/requests.[format]', params: { format: 'json' } }));
		expect(open311).toMatchObject({ reached: false, status: 400 });
		expect(JSON.parse(open311.text)).toEqual([{ code: 400, description: expect.stringMatching(/^service_code: /) }]);
		const xml = await through(event('/open311/v2/requests/%00.xml', { route: '/open311/v2/requests/[id].[format]', params: { id: NUL, format: 'xml' } }));
		expect(xml).toMatchObject({ reached: false, status: 400 });
		expect(xml.text).toMatch(/<code>400<\/code>\s*<description>id: /);
		await refusedApi(event('/api/shelters/nearest?lat=40&lon=116&q=%00', { route: '/api/shelters/nearest' }), 'q');
		// a page: plain words in both languages, no JSON
		const page = await through(event('/shelters?q=a%00', { route: '/shelters', accept: 'text/html' }));
		expect(page).toMatchObject({ reached: false, status: 400, type: 'text/plain; charset=utf-8' });
		expect(page.text).toContain('“q”一栏的文字含有无法保存的字符');
		expect(page.text).toContain('The text in the field “q” contains a character that cannot be stored');
	});

	it('passes everything else on untouched, and leaves forms to where they are read', async () => {
		for (const e of [
			event('/shelters?q=%E7%A7%AF%E6%B0%B4', { route: '/shelters' }),
			event('/api/assistant', { route: '/api/assistant', type: 'application/json', body: '{"message":"积水 😀"}' }),
			event('/api/assistant', { route: '/api/assistant', type: 'application/json', body: '{"message":' }),
			event('/api/cap', { route: '/api/cap', type: 'application/xml', body: '<alert><note>&#128512;</note></alert>' }),
			event('/safe', { route: '/safe', type: 'application/x-www-form-urlencoded', body: 'name=%00' }),
			event('/report', { route: '/report', type: 'application/json', body: '{"description":"\\u0000"}' })
		]) {
			expect((await through(e)).reached).toBe(true);
		}
	});
});

describe.each(backends())('a JSON route behind the hook on $name', (backend) => {
	let db: Database;
	beforeAll(async () => {
		db = await backend.open();
		setServices({
			config: { delivery: { pushAllowlist: parseAllowlist('') } },
			db,
			delivery: { codes: { send: async () => undefined } }
		} as unknown as Services);
	});
	afterAll(async () => {
		setServices(null);
		await db?.close();
	});

	const post = async (body: unknown) => {
		const e = event('/api/subscriptions', { route: '/api/subscriptions', type: 'application/json', body: JSON.stringify(body) });
		const response = await unstorableText({
			event: e as RequestEvent,
			resolve: (ev) =>
				(subscribe as (x: unknown) => Promise<Response>)({
					...ev,
					locals: { lang: 'en', identity: { kind: 'anon' }, db: <T>(work: (tx: Queryable) => Promise<T>) => as(db, ANON_CLAIMS, work) },
					getClientAddress: () => '10.9.8.7'
				})
		});
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	};
	const count = async () => (await asService(db, (tx) => tx.query<{ n: number }>('select count(*)::int as n from public.subscription_places')))[0]!.n;

	it('refuses a place name with a NUL or a lone surrogate with 400 naming it, and writes nothing', async () => {
		const before = await count();
		for (const label of [`Home${NUL}`, `Home ${LONE_HIGH}`]) {
			const { status, body } = await post({ phone: '13800138000', places: [{ lat: 40.38, lon: 116.84, label }], lang: 'en' });
			expect(status).toBe(400);
			expect(body).toMatchObject({ field: 'places[0].label', code: 'text_unstorable' });
		}
		expect(await count()).toBe(before);
		// the same place, well formed, is taken
		expect((await post({ phone: '13800138000', places: [{ lat: 40.38, lon: 116.84, label: 'Home 🏠' }], lang: 'en' })).status).toBe(201);
		expect(await count()).toBe(before + 1);
	});
});
