/**
 * /wechat with messages in the platform's documented format: the signature (a forged one
 * is refused), text and news replies, and a replayed message answered once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { ConfigError, readConfig } from '../config';
import { RateLimiter } from '../rate-limit';
import { as, backends } from '../testing/db';
import { NonceMemory, parseMessage, replyXml, signature, verify } from './wechat';
import { answerWechat } from './wechat-endpoint';

const TOKEN = 'miyunTest2026';
const NOW = Date.now();

function signedQuery(timestamp = String(Math.floor(NOW / 1000)), nonce = '1412345678') {
	return { signature: signature(TOKEN, timestamp, nonce), timestamp, nonce };
}

function textMessage(content: string, msgId: string, from = 'oUser_ABC123') {
	return `<xml><ToUserName><![CDATA[gh_miyun]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${Math.floor(NOW / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

describe('the WeChat protocol', () => {
	it('checks the signature: sha1 of the sorted token, timestamp and nonce', () => {
		const q = signedQuery();
		expect(verify(TOKEN, q, NOW)).toBe(true);
		expect(verify(TOKEN, { ...q, signature: q.signature.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }, NOW)).toBe(false);
		expect(verify('anotherToken', q, NOW)).toBe(false);
		expect(verify(TOKEN, { ...q, signature: null }, NOW)).toBe(false);
		// A request captured and replayed much later is refused even with its valid signature.
		expect(verify(TOKEN, q, NOW + 10 * 60_000)).toBe(false);
	});

	it('reads text and location messages; MsgId stays exact (64-bit)', () => {
		const m = parseMessage(textMessage('山洪来了怎么办', '23456789012345678901'));
		expect(m).toMatchObject({ from: 'oUser_ABC123', to: 'gh_miyun', type: 'text', text: '山洪来了怎么办', id: '23456789012345678901' });
		const loc = parseMessage(
			'<xml><ToUserName><![CDATA[gh_miyun]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>40.45</Location_X><Location_Y>116.83</Location_Y><Scale>15</Scale><Label><![CDATA[x]]></Label><MsgId>9</MsgId></xml>'
		);
		// WeChat sends GCJ-02; inside the system everything is WGS84 (a few hundred metres apart).
		expect(loc?.lat).toBeCloseTo(40.4487, 2);
		expect(Math.abs((loc?.lon ?? 0) - 116.83)).toBeGreaterThan(0.003);
		expect(parseMessage('not xml at all')).toBeNull();
		expect(parseMessage('<!DOCTYPE x [<!ENTITY a "aaaa">]>' + textMessage('&a;', '5'))).toBeNull();
		expect(parseMessage('<xml><MsgType>text</MsgType></xml>')).toBeNull();
	});

	it('replies as text with links written out, or as a news card for one page; CDATA cannot be broken out of', () => {
		const incoming = parseMessage(textMessage('x', '1'))!;
		const text = replyXml(incoming, { intent: 'unknown', reply: 'a ]]> b', links: [{ href: '/guides?q=x', title: 'Search' }] }, 'https://m.example.cn', NOW);
		expect(text).toMatch(/^<xml><ToUserName><!\[CDATA\[oUser_ABC123\]\]><\/ToUserName><FromUserName><!\[CDATA\[gh_miyun\]\]><\/FromUserName><CreateTime>\d+<\/CreateTime><MsgType><!\[CDATA\[text\]\]><\/MsgType><Content>/);
		expect(text).toContain('Search: https://m.example.cn/guides?q=x');
		expect(text).toContain('a ]]]]><![CDATA[> b');
		const news = replyXml(incoming, { intent: 'guide', reply: 'Flash flood (During):\n1. Run uphill.', links: [{ href: '/guides/flash_flood#during', title: 'Guide' }] }, 'https://m.example.cn', NOW);
		expect(news).toContain('<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[Flash flood (During):]]></Title>');
		expect(news).toContain('<Url><![CDATA[https://m.example.cn/guides/flash_flood#during]]></Url>');
	});

	it('is off without WECHAT_TOKEN, and refuses a token the platform would not accept', () => {
		expect(readConfig({}).wechat).toBeNull();
		expect(readConfig({ WECHAT_TOKEN: TOKEN }).wechat).toEqual({ token: TOKEN });
		expect(() => readConfig({ WECHAT_TOKEN: 'has spaces!' })).toThrow(ConfigError);
	});
});

describe.each(backends())('the WeChat endpoint on $name', (backend) => {
	let db: Database;
	const run = <T>(work: (tx: Queryable) => Promise<T>) => as(db, ANON_CLAIMS, work);
	const service = <T>(work: (tx: Queryable) => Promise<T>) => asService(db, work);
	const limits = () => ({ anonWrites: new RateLimiter(30, 60_000), reportsPerDevice: new RateLimiter(5, 600_000), wechatNonces: new NonceMemory() });
	let nonce = 0;
	/** Each post a fresh nonce, as the platform sends them, unless a query is given. */
	const post = (body: string, query = signedQuery(undefined, String(++nonce)), given = limits()) =>
		answerWechat(run, service, TOKEN, query, body, 'https://m.example.cn', given);

	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('refuses a forged signature without reading the message', async () => {
		const forged = { ...signedQuery(), signature: 'f'.repeat(40) };
		expect(await post(textMessage('你好', '100'), forged)).toMatchObject({ status: 403 });
		const claimed = await asService(db, (tx) => tx.query("select 1 from app_private.wechat_messages where msg_id = '100'"));
		expect(claimed).toHaveLength(0);
	});

	it('answers a text message with the assistant, in the reply format', async () => {
		const r = await post(textMessage('山洪来了怎么办', '101'));
		expect(r).toMatchObject({ status: 200, xml: true });
		expect(r.body).toContain('<MsgType><![CDATA[news]]></MsgType>');
		expect(r.body).toContain('https://m.example.cn/guides/flash_flood#during');
		const call = await post(textMessage('着火了', '102'));
		expect(call.body).toMatch(/<Content><!\[CDATA\[[^\]]*119/);
	});

	it('refuses a signed URL used again with another message (a forged sender), within the 5-minute window', async () => {
		const shared = limits();
		const query = signedQuery(undefined, 'nonce-replay-1');
		expect(await post(textMessage('你好', '500', 'oVictimSender'), query, shared)).toMatchObject({ status: 200 });
		// The platform's own retry of the same message, same nonce: answered (once, from the store).
		expect(await post(textMessage('你好', '500', 'oVictimSender'), query, shared)).toMatchObject({ status: 200 });
		// The same signed URL with another sender or message: refused, and nothing is claimed.
		expect(await post(textMessage('我要反映 假的', '501', 'oForged'), query, shared)).toMatchObject({ status: 403 });
		expect(await post(textMessage('你好', '502', 'oVictimSender'), query, shared)).toMatchObject({ status: 403 });
		const claimed = await asService(db, (tx) => tx.query("select 1 from app_private.wechat_messages where msg_id in ('501', '502')"));
		expect(claimed).toHaveLength(0);
	});

	it('forgets nonces after the window, when the timestamp check refuses them anyway', () => {
		const memory = new NonceMemory(300_000);
		const q = { signature: 'x', timestamp: '1', nonce: 'n' };
		expect(memory.accept(q, 'a', 0)).toBe(true);
		expect(memory.accept(q, 'b', 299_000)).toBe(false);
		expect(memory.accept({ ...q, nonce: 'm' }, 'c', 301_000)).toBe(true);
		expect(memory.size).toBe(1);
	});

	it('answers a replayed message once: the same reply, and the dialogue does not move twice', async () => {
		const first = await post(textMessage('我要反映', '200', 'oReplay'));
		const replay = await post(textMessage('我要反映', '200', 'oReplay'));
		expect(replay.body).toBe(first.body);
		const next = await post(textMessage('村口路上有个大坑，晚上看不见', '201', 'oReplay'));
		expect(next.body).toMatch(/在哪里/);
		const rows = await asService(db, (tx) => tx.query("select msg_id from app_private.wechat_messages where msg_id in ('200', '201')"));
		expect(rows).toHaveLength(2);
	});

	it('keeps each user’s dialogue apart, and files a report without photos', async () => {
		await post(textMessage('我要反映 穆家峪镇有人在楼道里给电动车充电', '300', 'oA'));
		const other = await post(textMessage('确认', '301', 'oB'));
		expect(other.body).not.toMatch(/工单号/);
		const summary = await post(textMessage('跳过', '302', 'oA'));
		expect(summary.body).toMatch(/请核对/);
		const filed = await post(textMessage('确认', '303', 'oA'));
		expect(filed.body).toContain('<MsgType><![CDATA[news]]></MsgType>');
		expect(filed.body).toMatch(/https:\/\/m\.example\.cn\/report\/MY-\d{8}-\d{4}\?t=/);
	});

	it('says nothing rather than answer late (the platform then does not retry)', async () => {
		const slow = <T>(work: (tx: Queryable) => Promise<T>) => new Promise((r) => setTimeout(r, 100)).then(() => run(work));
		const late = await answerWechat(slow, service, TOKEN, signedQuery(), textMessage('你好', '400'), 'https://m.example.cn', limits(), 20);
		expect(late).toMatchObject({ status: 200, body: 'success', xml: false });
	});
});
