/**
 * The outside tester's findings on the assistant (issue 15, second review), each on a
 * real database: what the answer must say, not only its intent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { seedDemoShelters } from '../shelters/seed';
import { as, backends } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import { addStaff } from '../staff';
import { afterCue } from './dialogue';
import { converse } from '.';

describe.each(backends())('the assistant after the review, on $name', (backend) => {
	let db: Database;
	const ask = (text: string, lang: 'zh-CN' | 'en' = 'zh-CN') =>
		as(db, ANON_CLAIMS, (tx) =>
			converse(tx, { id: null, message: { text, lang, lat: null, lon: null, photos: [] }, channel: { kind: 'web', photos: true, reportLimit: () => null } })
		);

	let issuer: Claims;
	beforeAll(async () => {
		db = await backend.open();
		await seedDemoShelters(db);
		const { userId } = await addStaff(db, { email: 'reviewer@test.cn', password: 'correct horse battery', role: 'warning_issuer', departmentCode: 'emergency' });
		issuer = { role: 'authenticated', sub: userId, email: 'reviewer@test.cn' };
	});
	afterAll(async () => {
		await db?.close();
	});

	it('tells a gas smell to get out first and call from outside (as the gas guide says)', async () => {
		for (const [text, lang, leave] of [
			['厨房里全是煤气味', 'zh-CN', '先离开'],
			['I smell gas in the kitchen', 'en', 'Get out first']
		] as const) {
			const r = await ask(text, lang);
			expect(r.intent).toBe('emergency');
			const first = r.reply.split('\n')[0]!;
			expect(first).toContain(leave);
			expect(first).toContain('119');
			expect(r.links[0]?.href).toBe('tel:119');
		}
	});

	it('while the ground shakes, leads with taking cover (the earthquake guide), then the numbers', async () => {
		for (const [text, lang] of [
			['房子在晃怎么办', 'zh-CN'],
			['earthquake! what do I do', 'en']
		] as const) {
			const r = await ask(text, lang);
			expect(r.intent).toBe('emergency');
			expect(r.links[0]?.href).toBe('/guides/earthquake#during');
			expect(r.reply.split('\n')[1]).toMatch(/^1\. /);
			const at = r.reply.indexOf('119');
			expect(at).toBeGreaterThan(r.reply.indexOf('1. '));
			expect(r.links.some((l) => l.href.startsWith('tel:'))).toBe(true);
		}
	});

	it('takes a forest fire near the village for an emergency: 119, the forest fire line 12119, leave early', async () => {
		const r = await ask('forest fire near the village', 'en');
		expect(r.intent).toBe('emergency');
		expect(r.links.map((l) => l.href).slice(0, 2)).toEqual(['tel:119', 'tel:12119']);
		expect(r.reply).toContain('Leave early');
		expect(r.links.some((l) => l.href === '/guides/forest_fire')).toBe(true);
	});

	it('links the forest fire guide, not the building fire guide, to a fire on the hill', async () => {
		const r = await ask('山上着火了');
		expect(r.intent).toBe('emergency');
		const guides = r.links.filter((l) => l.href.startsWith('/guides/')).map((l) => l.href);
		expect(guides).toEqual(['/guides/forest_fire']);
		expect(r.links.some((l) => l.href === 'tel:12119')).toBe(true);
	});

	it('names warning levels in words, never as a translation key', async () => {
		const saved = await as(db, issuer, (tx) => warnings.saveDraft(tx, rainstorm({ level: 'yellow' })));
		if ('errors' in saved) throw new Error('unexpected');
		await as(db, issuer, (tx) => warnings.submit(tx, saved.id));
		for (const lang of ['zh-CN', 'en'] as const) {
			const r = await ask(lang === 'en' ? 'any warnings for Xiwengzhuang now?' : '溪翁庄现在有预警吗', lang);
			expect(r.intent).toBe('warnings');
			expect(r.reply).not.toMatch(/\b(hazards\.)?levels\.\w+/);
			expect(r.reply).toMatch(lang === 'en' ? /(Blue|Yellow|Orange|Red) warning/ : /(蓝色|黄色|橙色|红色)预警/);
		}
	});

	it('keeps every word of the report when "report" is taken out of it', () => {
		expect(afterCue('I want to report a fallen tree on the road')).toBe('fallen tree on the road');
		expect(afterCue('我要反映 路边的树倒了')).toBe('路边的树倒了');
		expect(afterCue('the bridge rail is broken, who do I report it to')).not.toMatch(/ {2}/);
	});

	it('answers thanks with a thanks reply, and a greeting with the introduction', async () => {
		const thanks = await ask('谢谢');
		expect(thanks.intent).toBe('smalltalk');
		expect(thanks.reply).toContain('不客气');
		expect((await ask('thank you!', 'en')).reply).toContain('welcome');
		expect((await ask('你好')).reply).toContain('你好');
	});

	it('does not take hyperbole for a death', async () => {
		expect((await ask('熊孩子快把我气死了')).intent).not.toBe('emergency');
		expect((await ask('this heat is killing me lol', 'en')).intent).not.toBe('emergency');
	});

	it('leads with the number asked for', async () => {
		const r = await ask('what number for an ambulance', 'en');
		expect(r.intent).toBe('emergency');
		expect(r.links[0]?.href).toBe('tel:120');
		expect(r.reply.split('\n')[0]).toContain('120');
		expect((await ask('救护车电话多少')).links[0]?.href).toBe('tel:120');
	});

	it('understands thunderstorms, snake bites and driving through water', async () => {
		const storm = await ask('雷雨天在山上往哪躲');
		expect(storm.links.some((l) => l.href.startsWith('/guides/lightning'))).toBe(true);
		const thunder = await ask('thunderstorm coming, what should I do on the Great Wall', 'en');
		expect(thunder.links.some((l) => l.href.startsWith('/guides/lightning'))).toBe(true);
		const snake = await ask('snake bite what do i do', 'en');
		expect(snake.links.some((l) => l.href.startsWith('/guides/first_aid'))).toBe(true);
		const drive = await ask('how deep can I drive through', 'en');
		expect(drive).toMatchObject({ intent: 'guide' });
		expect(drive.links[0]?.href).toMatch(/^\/guides\/(rainstorm|flood)/);
	});
});
