/**
 * The assistant on a real database: each intent, emergencies first, the report dialogue
 * (filed through the report flow, corrected, cancelled), and conversations that no one
 * else can read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, asService, type Claims } from '../db/caller';
import type { Database, Queryable } from '../db/port';
import { listGuides } from '../guides';
import { track } from '../reports/track';
import { seedDemoShelters } from '../shelters/seed';
import { addStaff } from '../staff';
import { as, backends, sqlState } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import { adviceIsQuoted } from './guides';
import { findPlace, loadGazetteer } from './places';
import { load } from './store';
import { normalize } from '$lib/assistant/text';
import type { Channel } from './types';
import { converse } from '.';

const XIWENGZHUANG_SEAT = { lat: 40.4517, lon: 116.8246 };

describe.each(backends())('the assistant on $name', (backend) => {
	let db: Database;
	let issuer: Claims;
	let limited = false;
	const web: Channel = { kind: 'web', photos: true, reportLimit: () => (limited ? new Date('2026-06-01T04:00:00Z') : null) };
	const anon = <T>(work: (tx: Queryable) => Promise<T>) => as(db, ANON_CLAIMS, work);
	const ask = (text: string, opts: { id?: string | null; lang?: 'zh-CN' | 'en'; lat?: number; lon?: number; channel?: Channel } = {}) =>
		anon((tx) =>
			converse(tx, {
				id: opts.id ?? null,
				message: { text, lang: opts.lang ?? 'zh-CN', lat: opts.lat ?? null, lon: opts.lon ?? null, photos: [] },
				channel: opts.channel ?? web
			})
		);
	const reportCount = async () => Number((await asService(db, (tx) => tx.query<{ n: string }>('select count(*) as n from public.reports')))[0]!.n);

	beforeAll(async () => {
		db = await backend.open();
		await seedDemoShelters(db);
		const { userId } = await addStaff(db, { email: 'issuer@test.cn', password: 'correct horse battery', role: 'warning_issuer', departmentCode: 'emergency' });
		issuer = { role: 'authenticated', sub: userId, email: 'issuer@test.cn' };
	});
	afterAll(async () => {
		await db?.close();
	});

	it('recognises townships by short form, villages and scenic areas', async () => {
		const g = await anon((tx) => loadGazetteer(tx));
		expect(findPlace(g, normalize('溪翁庄附近'))).toMatchObject({ kind: 'town', name_zh: '溪翁庄镇' });
		expect(findPlace(g, normalize('溪翁庄村附近的避难场所'))).toMatchObject({ kind: 'village', name_zh: '溪翁庄村' });
		expect(findPlace(g, normalize('Is Simatai open?'))).toMatchObject({ kind: 'scenic', id: 'simatai' });
		expect(findPlace(g, normalize('warnings for Bulaotun'))).toMatchObject({ kind: 'town', name_zh: '不老屯镇' });
		expect(findPlace(g, normalize('密云今天有雨吗'))).toBeNull();
	});

	it('answers a guide question with the guide’s own "during" steps and a link', async () => {
		const r = await ask('山洪来了怎么办');
		expect(r.intent).toBe('guide');
		expect(r.links[0]?.href).toBe('/guides/flash_flood#during');
		const steps = r.reply.split('\n').slice(1);
		expect(steps.length).toBeGreaterThan(1);
		for (const step of steps) expect(adviceIsQuoted(step.replace(/^\d+\. /, ''), listGuides('zh-CN'))).toBe(true);
		const en = await ask('what to do in an earthquake', { lang: 'en' });
		expect(en).toMatchObject({ intent: 'guide', links: [{ href: '/guides/earthquake#during' }] });
	});

	it('says "call now" first, with one-tap calling, before anything else', async () => {
		const r = await ask('着火了');
		expect(r.intent).toBe('emergency');
		expect(r.reply.split('\n')[0]).toContain('119');
		expect(r.links[0]).toMatchObject({ href: 'tel:119' });
		const en = await ask('someone fell in the river!!', { lang: 'en' });
		expect(en.intent).toBe('emergency');
		expect(en.links[0]?.href).toMatch(/^tel:/);
		// A person in the water: the drowning steps follow the numbers (reach or throw, don't jump in).
		expect(en.links.some((l) => l.href === '/guides/drowning#during')).toBe(true);
		expect(en.reply).toContain('Shout for help and call 110 or 119');
		// A question about a fire in general is a guide question, not an emergency.
		expect((await ask('高楼着火该往上跑还是往下跑')).intent).toBe('guide');
	});

	it('answers "which way do I run" in a fire now with 119 and the fire guide, never another hazard’s', async () => {
		for (const [text, lang] of [
			['楼道全是烟 往上跑还是往下跑', 'zh-CN'],
			['smoke in the stairwell, run up or down?', 'en'],
			['the stairs are filled with smoke, upstairs or downstairs?', 'en']
		] as const) {
			const r = await ask(text, { lang });
			expect(r.intent, text).toBe('emergency');
			expect(r.reply.split('\n')[0], text).toContain('119');
			expect(r.links[0], text).toMatchObject({ href: 'tel:119' });
			expect(r.links.some((l) => l.href === '/guides/building_fire#during'), text).toBe(true);
			expect(r.links.some((l) => /flash_flood|hazmat/.test(l.href)), text).toBe(false);
		}
	});

	it('answers "what if the reservoir dam breaks" with the flood guide', async () => {
		expect(await ask('假如密云水库溃坝了')).toMatchObject({ intent: 'guide', links: [{ href: '/guides/flood#during' }] });
	});

	it('finds the nearest shelters from the position, or from a village named', async () => {
		const r = await ask('最近的避难场所在哪', XIWENGZHUANG_SEAT);
		expect(r.intent).toBe('shelter');
		expect(r.reply).toMatch(/1\. .+：.+，步行约 \d+ 分钟/);
		expect(r.links[0]?.href).toMatch(/^\/shelters\/[0-9a-f-]{36}$/);
		const named = await ask('溪翁庄村附近的避难场所');
		expect(named.intent).toBe('shelter');
		expect(named.reply).toContain('溪翁庄村');
	});

	it('asks where when it does not know, and answers with the place given next', async () => {
		const first = await ask('where is the nearest shelter', { lang: 'en' });
		expect(first).toMatchObject({ intent: 'shelter', links: [{ href: '/shelters' }] });
		expect(first.reply).toMatch(/Where are you/);
		const second = await ask('Xiwengzhuang', { id: first.conversationId, lang: 'en' });
		expect(second.intent).toBe('shelter');
		expect(second.reply).toMatch(/Nearest open shelters to Xiwengzhuang Town/);
	});

	it('tells the warnings in force for a township, and says so when there are none', async () => {
		const none = await ask('现在有预警吗');
		expect(none.intent).toBe('warnings');
		expect(none.reply).toMatch(/没有生效的预警/);
		const saved = await as(db, issuer, (tx) => warnings.saveDraft(tx, rainstorm({ level: 'yellow' })));
		if ('errors' in saved) throw new Error('unexpected');
		await as(db, issuer, (tx) => warnings.submit(tx, saved.id));
		const here = await ask('溪翁庄有预警吗');
		expect(here.intent).toBe('warnings');
		expect(here.reply).toMatch(/1 条生效的预警/);
		expect(here.links[0]?.href).toMatch(/^\/warnings\//);
		const elsewhere = await ask('古北口镇有预警吗');
		expect(elsewhere.reply).toMatch(/没有生效的预警/);
	});

	it('gives a scenic area’s status from the database', async () => {
		const r = await ask('古北水镇今天开放吗');
		expect(r).toMatchObject({ intent: 'scenic', links: [{ href: '/scenic/gubei-water-town' }] });
		expect(r.reply).toMatch(/古北水镇今天的状态：开放/);
	});

	it('greets, and says so (with 12345 and search) when it cannot answer', async () => {
		expect((await ask('你好')).intent).toBe('smalltalk');
		const r = await ask('密云哪家烤鱼好吃');
		expect(r.intent).toBe('unknown');
		expect(r.links.map((l) => l.href)).toEqual(['tel:12345', `/guides?q=${encodeURIComponent('密云哪家烤鱼好吃')}`]);
	});

	it('takes a report one question at a time and files it through the report flow', async () => {
		const before = await reportCount();
		const a = await ask('我要反映');
		expect(a.reply).toMatch(/发生了什么/);
		const b = await ask('村口的桥栏杆断了，晚上很危险', { id: a.conversationId });
		expect(b.reply).toMatch(/在哪里/);
		const c = await ask('溪翁庄村村口', { id: a.conversationId });
		expect(c.reply).toMatch(/照片/);
		const d = await ask('跳过', { id: a.conversationId });
		expect(d.reply).toMatch(/电话/);
		const e = await ask('13800138000', { id: a.conversationId });
		expect(e.reply).toMatch(/请核对/);
		expect(e.reply).toContain('道路 / 桥梁 / 塌陷');
		expect(e.reply).toContain('13800138000');
		expect(await reportCount()).toBe(before);
		const f = await ask('确认', { id: a.conversationId });
		expect(f.ticket).toMatch(/^MY-\d{8}-\d{4}$/);
		const [ticket, token] = [f.ticket!, new URLSearchParams(f.links[0]!.href.split('?')[1]).get('t')!];
		const tracked = await anon((tx) => track(tx, ticket, token));
		expect(tracked?.report).toMatchObject({ category: 'road_bridge', village_code: expect.stringMatching(/^110118101/), town_code: '110118101' });
		expect(await reportCount()).toBe(before + 1);
	});

	it('answers its own questions without a call box, unless the answer tells an emergency', async () => {
		const a = await ask('我要反映');
		await ask('村口的桥栏杆断了，晚上很危险', { id: a.conversationId });
		// A bare place name reads like the start of many corpus emergencies: only a guess, not a call box.
		const where = await ask('溪翁庄村3号楼', { id: a.conversationId });
		expect(where.intent).not.toBe('emergency');
		expect(where.reply).toMatch(/照片/);
		const fire = await ask('楼下着火了 里面还有人', { id: a.conversationId });
		expect(fire.intent).toBe('emergency');
		expect(fire.links[0]?.href).toBe('tel:119');
	});

	it('lets the resident correct an answer from the summary, and cancel midway', async () => {
		const a = await ask('我要反映 溪翁庄村有人在楼道里给电动车充电');
		expect(a.reply).toMatch(/照片/); // what, kind and where all said at once
		await ask('跳过', { id: a.conversationId });
		const summary = await ask('跳过', { id: a.conversationId });
		expect(summary.reply).toMatch(/地点：溪翁庄村/);
		const where = await ask('改地点', { id: a.conversationId });
		expect(where.reply).toMatch(/在哪里/);
		const again = await ask('穆家峪镇新农村小区3号楼', { id: a.conversationId });
		expect(again.reply).toMatch(/地点：穆家峪镇新农村小区3号楼/);
		const before = await reportCount();
		const cancelled = await ask('取消', { id: a.conversationId });
		expect(cancelled.reply).toMatch(/已取消/);
		expect(await reportCount()).toBe(before);
		// The dialogue is over: "确认" now starts nothing.
		expect((await ask('确认', { id: a.conversationId })).intent).not.toBe('report');
	});

	it('puts an emergency first even in the middle of a report', async () => {
		const a = await ask('I want to report something', { lang: 'en' });
		const b = await ask('there is a strong smell of gas in the stairwell', { id: a.conversationId, lang: 'en' });
		expect(b.intent).toBe('emergency');
		// Gas: out first, then call from outside (the gas guide), still before the dialogue's question.
		expect(b.reply.split('\n')[0]).toMatch(/^Get out first!.*call 119 now/);
		expect(b.reply).toMatch(/Where is it\?/);
	});

	it('refuses to file beyond the report limit, keeping the dialogue', async () => {
		const a = await ask('我要反映 穆家峪镇有工地塔吊歪了');
		await ask('跳过', { id: a.conversationId });
		await ask('跳过', { id: a.conversationId });
		limited = true;
		try {
			const r = await ask('确认', { id: a.conversationId });
			expect(r.reply).toMatch(/12:00/);
			expect(r.ticket).toBeUndefined();
		} finally {
			limited = false;
		}
		expect((await ask('确认', { id: a.conversationId })).ticket).toBeTruthy();
	});

	it('keeps conversations private: no direct access, only by the unguessable id, and they expire', async () => {
		const r = await ask('你好');
		expect(r.conversationId).toMatch(/^[A-Za-z0-9_-]{32}$/);
		expect(await sqlState(anon((tx) => tx.query('select * from app_private.assistant_conversations')))).toBe('42501');
		expect(await sqlState(anon((tx) => tx.query('select * from app_private.wechat_messages')))).toBe('42501');
		expect(await anon((tx) => load(tx, r.conversationId))).not.toBeNull();
		expect(await anon((tx) => load(tx, r.conversationId.slice(0, -1) + (r.conversationId.endsWith('A') ? 'B' : 'A')))).toBeNull();
		// An unknown id is not adopted: the answer comes with a new one.
		const fresh = await ask('你好', { id: 'x'.repeat(40) });
		expect(fresh.conversationId).not.toBe('x'.repeat(40));
		await asService(db, (tx) => tx.query(`update app_private.assistant_conversations set expires_at = now() - interval '1 minute'`));
		expect(await anon((tx) => load(tx, r.conversationId))).toBeNull();
	});
});
