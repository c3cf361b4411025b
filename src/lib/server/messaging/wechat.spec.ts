/**
 * The WeChat channel against a local fake of the platform's API: the access token is
 * fetched once and shared, fetched again when the platform calls it invalid (40001), a
 * follower who refused subscription messages (43101) fails without retries, one who
 * unfollowed (43004) is gone, and the console counts WeChat beside push and SMS. Also
 * "订阅预警 <place>" from the Official Account, and what other roles may not do.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { forgetDistrict } from '../district';
import { messagesFor } from '../i18n';
import { as, backends, sqlState, staffClaims } from '../testing/db';
import { startDelivery, type Engine } from './engine';
import { deliveryStats } from './stats';
import { issueOver } from './testing/fanout-fixture';
import { wechatChannel, WechatToken, type WechatApi } from './wechat';
import { findPlace, runWechatCommand, wechatCommand } from './wechat-subscribe';
import { answerWechat } from '../assistant/wechat-endpoint';
import { NonceMemory, signature } from '../assistant/wechat';
import { RateLimiter } from '../rate-limit';

type Sent = { touser: string; template_id: string; page: string; data: Record<string, { value: string }> };

/** The platform's two calls, as documented: /cgi-bin/token and /cgi-bin/message/subscribe/bizsend. */
async function fakeWechat() {
	const state = { tokens: 0, valid: new Set<string>(), sent: [] as Sent[], refuse: new Set<string>(), unfollowed: new Set<string>() };
	const server = http.createServer((req, res) => {
		const url = new URL(req.url!, 'http://x');
		const reply = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
		if (url.pathname === '/cgi-bin/token') {
			if (url.searchParams.get('appid') !== 'wx0123456789abcdef' || url.searchParams.get('secret') !== 's3cret') return reply({ errcode: 40125, errmsg: 'invalid appsecret' });
			const token = `T${++state.tokens}`;
			state.valid.add(token);
			return reply({ access_token: token, expires_in: 7200 });
		}
		if (url.pathname === '/cgi-bin/message/subscribe/bizsend' && req.method === 'POST') {
			let raw = '';
			req.on('data', (c) => (raw += c));
			req.on('end', () => {
				const body = JSON.parse(raw) as Sent;
				if (!state.valid.has(url.searchParams.get('access_token') ?? '')) return reply({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
				if (state.refuse.has(body.touser)) return reply({ errcode: 43101, errmsg: 'user refuse to accept the msg' });
				if (state.unfollowed.has(body.touser)) return reply({ errcode: 43004, errmsg: 'require subscribe' });
				state.sent.push(body);
				reply({ errcode: 0, errmsg: 'ok' });
			});
			return;
		}
		res.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const api: WechatApi = { appId: 'wx0123456789abcdef', secret: 's3cret', templateId: 'TPL-warning', base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
	return { state, api, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('the WeChat commands', () => {
	it('tells subscribe and unsubscribe apart, in both languages, and leaves the rest to the assistant', () => {
		const zh = messagesFor('zh-CN').subscriptions as Record<string, string>;
		const [subscribeWord] = zh.wechat_subscribe_words!.split('|');
		const [unsubscribeWord] = zh.wechat_unsubscribe_words!.split('|');
		expect(wechatCommand(`${subscribeWord} X`)).toEqual({ kind: 'subscribe', place: 'X' });
		expect(wechatCommand(` ${unsubscribeWord} `)).toEqual({ kind: 'unsubscribe' });
		expect(wechatCommand('subscribe warnings Shicheng')).toEqual({ kind: 'subscribe', place: 'Shicheng' });
		expect(wechatCommand('unsubscribe')).toEqual({ kind: 'unsubscribe' });
		expect(wechatCommand('where is the nearest shelter')).toBeNull();
	});

	it('finds a village by name, a township by name, and lists several rather than guessing', () => {
		const town = (code: string, en: string) => ({ code, name_zh: `z${en}`, name_en: en, has_area: true, lat: 40.4, lon: 116.8, population: null });
		const village = (code: string, town_code: string, en: string) => ({ code, town_code, name_zh: `z${en}`, name_en: en });
		const d = { towns: [town('1', 'Alpha Town'), town('2', 'Beta Town')], villages: [village('11', '1', 'Oak'), village('21', '2', 'Oak'), village('22', '2', 'Pine')] };
		expect(findPlace(d, 'Pine')).toEqual([{ village: d.villages[2], town: d.towns[1] }]);
		expect(findPlace(d, 'Beta Town')).toEqual([{ town: d.towns[1] }]);
		expect(findPlace(d, 'Oak')).toHaveLength(2);
		expect(findPlace(d, 'Beta Town Oak')).toEqual([{ village: d.villages[1], town: d.towns[1] }]);
		expect(findPlace(d, 'Nowhere')).toEqual([]);
	});
});

describe('WeChat token', () => {
	it('fetches once for many senders, and again only after the platform refused it', async () => {
		const fake = await fakeWechat();
		try {
			const token = new WechatToken(fake.api);
			expect(await Promise.all([token.get(), token.get(), token.get()])).toEqual(['T1', 'T1', 'T1']);
			token.forget('T0'); // an older token: nothing happens
			expect(await token.get()).toBe('T1');
			token.forget('T1');
			expect(await token.get()).toBe('T2');
			expect(token.fetches).toBe(2);
		} finally {
			await fake.close();
		}
	});

	it('fetches again when it runs out (five minutes early)', async () => {
		const fake = await fakeWechat();
		let now = 0;
		try {
			const token = new WechatToken(fake.api, () => now);
			expect(await token.get()).toBe('T1');
			now = (7200 - 301) * 1000;
			expect(await token.get()).toBe('T1');
			now = (7200 - 299) * 1000;
			expect(await token.get()).toBe('T2');
		} finally {
			await fake.close();
		}
	});
});

describe.each(backends())('the WeChat channel on $name', (backend) => {
	let db: Database;
	let engine: Engine;
	let fake: Awaited<ReturnType<typeof fakeWechat>>;
	let token: WechatToken;
	let issuer: Claims;
	// Inside the warning's box (Miyun's town centre) and outside it (by the reservoir).
	const BOX: [number, number, number, number] = [40.36, 116.8, 40.42, 116.9];
	const inside = { lat: 40.39, lon: 116.85, label: 'home' };
	const outside = { lat: 40.52, lon: 117.02, label: 'away' };
	const subscribe = (openid: string, place: object) =>
		asService(db, (tx) => tx.query('select * from app.wechat_subscribe($1, $2, $3)', [openid, JSON.stringify(place), 'zh-CN']));

	beforeAll(async () => {
		db = await backend.open();
		forgetDistrict();
		fake = await fakeWechat();
		token = new WechatToken(fake.api);
		engine = await startDelivery({ db, pollMs: 100, channels: [wechatChannel(fake.api, 'https://safe.example.cn', messagesFor, token)] });
		issuer = await staffClaims(db, 'issuer@wechat.test', 'warning_issuer');
	}, 60_000);
	afterAll(async () => {
		await engine?.stop();
		await fake?.close();
		await db?.close();
	});

	it('sends to the followers in the area, refreshes a refused token once, maps 43101 and 43004, and counts WeChat', async () => {
		await subscribe('oFollowerInside01', inside);
		await subscribe('oFollowerInside02', inside);
		await subscribe('oFollowerRefused1', inside);
		await subscribe('oFollowerGone0001', inside);
		await subscribe('oFollowerOutside1', outside);
		fake.state.refuse.add('oFollowerRefused1');
		fake.state.unfollowed.add('oFollowerGone0001');
		// Another server of the account fetched a new token: the cached one is no longer valid.
		expect(await token.get()).toBe('T1');
		fake.state.valid.delete('T1');

		const warning = await issueOver(db, BOX);
		engine.kick();
		await engine.drained();

		expect(fake.state.sent.map((s) => s.touser).sort()).toEqual(['oFollowerInside01', 'oFollowerInside02']);
		expect(fake.state.tokens).toBe(2);
		const one = fake.state.sent[0]!;
		expect(one.template_id).toBe('TPL-warning');
		expect(one.page).toMatch(/^https:\/\/safe\.example\.cn\/warnings\/[0-9a-f-]{36}\?lang=zh-CN$/);
		expect(one.data.thing1!.value.length).toBeLessThanOrEqual(20);
		expect(one.data.time3!.value).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);

		const rows = await asService(db, (tx) =>
			tx.query<{ openid: string | null; state: string; attempts: number; error: string | null }>(
				`select s.openid, q.state, q.attempts, q.error from public.delivery_queue q
				   left join public.subscriptions s on s.id = q.recipient_id where q.warning_id = $1 and q.channel = 'wechat' order by s.openid nulls last`,
				[warning]
			)
		);
		expect(rows).toEqual([
			{ openid: 'oFollowerInside01', state: 'sent', attempts: 1, error: null },
			{ openid: 'oFollowerInside02', state: 'sent', attempts: 1, error: null },
			{ openid: 'oFollowerRefused1', state: 'failed', attempts: 1, error: 'refused by the follower (43101)' },
			// unfollowed the account: the subscription is deleted, the row kept for the count
			{ openid: null, state: 'gone', attempts: 1, error: expect.stringContaining('43004') }
		]);

		const stats = await as(db, issuer, (tx) => deliveryStats(tx, warning));
		expect(stats.map((s) => s.channel)).toEqual(['push', 'sms', 'wechat']);
		expect(stats.find((s) => s.channel === 'wechat')).toMatchObject({ matched: 4, sent: 2, failed: 1, gone: 1, queued: 0 });
	});

	it('subscribes a follower from the Official Account by village or township, and unsubscribes', async () => {
		const d = await asService(db, async (tx) => (await import('../district')).district(tx));
		const village = d.villages.find((v) => v.town_code === '110118101')!;
		const run = (text: string, lang: 'zh-CN' | 'en' = 'zh-CN') => asService(db, (tx) => runWechatCommand(tx, 'oNewFollower0001', wechatCommand(text)!, lang));
		const zh = messagesFor('zh-CN').subscriptions as Record<string, string>;
		const word = zh.wechat_subscribe_words!.split('|')[0]!;

		const town = d.towns.find((t) => t.code === '110118101')!;
		// Several townships have a village of this name: asked back, nothing stored.
		const several = await run(`${word} ${village.name_zh}`);
		expect(several.startsWith(zh.wechat_several!.split('{{places}}')[0]!)).toBe(true);
		expect(several).toContain(`${town.name_zh}${village.name_zh}`);
		expect(await asService(db, (tx) => tx.query(`select 1 from public.subscriptions where openid = 'oNewFollower0001'`))).toEqual([]);
		// With the township's name first, it is one village.
		expect(await run(`${word} ${town.name_zh} ${village.name_zh}`)).toContain(village.name_zh);
		expect(await run(`${word} ${town.name_zh}${village.name_zh}`)).toBe(zh.wechat_already!.replace('{{place}}', village.name_zh).replace('{{count}}', '1'));
		expect(await run(`subscribe ${town.name_en}`, 'en')).toMatch(/^Subscribed: .*\(2 place\(s\) in all\)/);
		expect(await run(`${word} nowhere-at-all`)).toBe(zh.wechat_which_place);
		const places = await asService(db, (tx) =>
			tx.query<{ village_code: string | null }>(
				`select p.village_code from public.subscription_places p join public.subscriptions s on s.id = p.subscription_id
				  where s.openid = 'oNewFollower0001' order by p.id`
			)
		);
		expect(places).toEqual([{ village_code: village.code }, { village_code: null }]);
		expect(await run('unsubscribe', 'en')).toMatch(/cancelled/);
		expect(await asService(db, (tx) => tx.query(`select 1 from public.subscriptions where openid = 'oNewFollower0001'`))).toEqual([]);
	});

	it('/wechat takes "订阅预警 <place>" before the assistant, and answers in the reply format', async () => {
		const now = Math.floor(Date.now() / 1000);
		const query = { signature: signature('miyunTest2026', String(now), '77'), timestamp: String(now), nonce: '77' };
		const body = `<xml><ToUserName><![CDATA[gh_miyun]]></ToUserName><FromUserName><![CDATA[oEndpointUser01]]></FromUserName><CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[订阅预警 溪翁庄镇]]></Content><MsgId>9900000000000000001</MsgId></xml>`;
		const limits = { anonWrites: new RateLimiter(30, 60_000), reportsPerDevice: new RateLimiter(5, 600_000), wechatNonces: new NonceMemory() };
		const r = await answerWechat((work) => as(db, ANON_CLAIMS, work), (work) => asService(db, work), 'miyunTest2026', query, body, 'https://m.example.cn', limits);
		expect(r).toMatchObject({ status: 200, xml: true });
		expect(r.body).toContain('<ToUserName><![CDATA[oEndpointUser01]]></ToUserName>');
		expect(r.body).toContain('溪翁庄镇');
		const [row] = await asService(db, (tx) =>
			tx.query<{ channel: string; confirmed: boolean; places: number }>(
				`select s.channel, s.confirmed, (select count(*)::int from public.subscription_places p where p.subscription_id = s.id) as places
				   from public.subscriptions s where s.openid = 'oEndpointUser01'`
			)
		);
		expect(row).toEqual({ channel: 'wechat', confirmed: true, places: 1 });
	});

	it('nobody but the service subscribes a follower or reads an OpenID', async () => {
		for (const who of [ANON_CLAIMS, issuer]) {
			expect(await sqlState(as(db, who, (tx) => tx.query(`select * from app.wechat_subscribe('oAttacker0000001', '{"lat":40.39,"lon":116.85}', 'en')`)))).toBe('42501');
			expect(await sqlState(as(db, who, (tx) => tx.query(`select app.wechat_unsubscribe('oFollowerInside01')`)))).toBe('42501');
			expect(await sqlState(as(db, who, (tx) => tx.query(`select openid from public.subscriptions`)))).toBe('42501');
		}
	});
});
