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
		// A bite's first-aid steps: the snakes guide's "Snakebite" part (first_aid has no bite section).
		const snake = await ask('snake bite what do i do', 'en');
		expect(snake.links.some((l) => l.href.startsWith('/guides/snakes'))).toBe(true);
		expect(snake.reply).toMatch(/Snakebite/);
		const drive = await ask('how deep can I drive through', 'en');
		expect(drive).toMatchObject({ intent: 'guide' });
		expect(drive.links[0]?.href).toMatch(/^\/guides\/(rainstorm|flood)/);
	});

	// Outside testers, 2026-12-04 night: what the answer says (the steps shown), not only its intent.
	const guidesOf = (r: { links: { href: string }[] }) => r.links.filter((l) => l.href.startsWith('/guides/')).map((l) => l.href.replace(/#.*$/, ''));

	it('takes a mild smoke smell with "run up or down" for a fire now: 119 first and the building-fire steps', async () => {
		for (const [text, lang] of [
			['楼道有烟味 往上跑还是往下跑', 'zh-CN'],
			['smell smoke in the stairwell, do we go up or down', 'en']
		] as const) {
			const r = await ask(text, lang);
			expect(r.intent, text).toBe('emergency');
			expect(r.links[0]?.href, text).toBe('tel:119');
			expect(guidesOf(r), text).toContain('/guides/building_fire');
			expect(r.reply, text).toMatch(/\n1\. /);
		}
	});

	it('calls 120 for carbon monoxide and gives the gas guide’s carbon monoxide steps, not the cold wave', async () => {
		for (const [text, lang, step] of [
			['屋里生着煤炉 一氧化碳 人昏昏沉沉的', 'zh-CN', '打开门窗'],
			['屋里烧着蜂窝煤 老两口早上叫不醒', 'zh-CN', '打开门窗'],
			['coal stove in the bedroom all night, my parents are very sleepy and confused', 'en', 'Open doors and windows']
		] as const) {
			const r = await ask(text, lang);
			expect(r.intent, text).toBe('emergency');
			expect(r.links[0]?.href, text).toBe('tel:120');
			expect(guidesOf(r), text).toEqual(['/guides/gas_safety']);
			expect(r.reply, text).toContain(step);
		}
	});

	it('answers "if someone gets an electric shock" with the first-aid electric-shock steps', async () => {
		for (const [text, lang, step] of [
			['如果有人触电了怎么办', 'zh-CN', '先断电'],
			['what to do if someone gets an electric shock', 'en', 'Cut the power']
		] as const) {
			const r = await ask(text, lang);
			expect(r.intent, text).toBe('guide');
			expect(guidesOf(r), text).toEqual(['/guides/first_aid']);
			expect(r.reply, text).toContain(step);
			expect(r.reply, text).not.toContain('按住伤口');
		}
	});

	it('gives the poisoning steps for medicine or poison swallowed, with 120 first when it has happened', async () => {
		const now = await ask('孩子误食药了怎么办');
		expect(now.intent).toBe('emergency');
		expect(now.links[0]?.href).toBe('tel:120');
		expect(now.reply).toContain('不要自己催吐');
		const topic = await ask('误食药物怎么办');
		expect(guidesOf(topic)).toEqual(['/guides/first_aid']);
		expect(topic.reply).toContain('不要自己催吐');
		const en = await ask('my toddler swallowed some of grandma’s pills', 'en');
		expect(en.links[0]?.href).toBe('tel:120');
		expect(en.reply).toContain('Do not make them vomit');
	});

	it('gives CPR steps for someone not breathing and the choking steps for choking, never the bleeding steps', async () => {
		for (const [text, lang, step] of [
			['有人没有呼吸了怎么办', 'zh-CN', '胸口正中'],
			['心脏骤停怎么做心肺复苏', 'zh-CN', '胸口正中'],
			['how do i do cpr', 'en', 'centre of the chest'],
			['孩子吃东西噎住了', 'zh-CN', '拍背'],
			['老人卡喉咙了喘不上气', 'zh-CN', '拍背'],
			['my dad is choking on food and cant talk', 'en', 'back blows']
		] as const) {
			const r = await ask(text, lang);
			expect(guidesOf(r), text).toContain('/guides/first_aid');
			expect(r.reply, text).toContain(step);
			expect(r.reply, text).not.toMatch(/按住伤口|Press hard directly on the wound/);
		}
	});

	it('calls 120 before 110 for someone who does not respond', async () => {
		for (const [text, lang] of [
			['我爸突然倒下了 没有反应', 'zh-CN'],
			['路边躺着一个人 喊他没反应', 'zh-CN'],
			['院墙塌了 老太太在里面喊不应', 'zh-CN'],
			['a man is lying on the trail and is unresponsive', 'en']
		] as const) {
			const r = await ask(text, lang);
			expect(r.intent, text).toBe('emergency');
			const tel = r.links.filter((l) => l.href.startsWith('tel:')).map((l) => l.href);
			expect(tel.indexOf('tel:120'), text).toBeGreaterThanOrEqual(0);
			if (tel.includes('tel:110')) expect(tel.indexOf('tel:120'), text).toBeLessThan(tel.indexOf('tel:110'));
		}
	});

	it('reads an emergency written in pinyin, and links the guide of what is happening', async () => {
		const water = await ask('shi cheng zhen you ren luo shui le kuai lai', 'en');
		expect(water.intent).toBe('emergency');
		expect(guidesOf(water)).toEqual(['/guides/drowning']);
		const fire = await ask('zhao huo le', 'en');
		expect(fire.links[0]?.href).toBe('tel:119');
		expect(guidesOf(fire)).toEqual(['/guides/building_fire']);
	});

	it('calls first for a child in a hot car, an electric fence, sinking mud and a dark cave', async () => {
		const car = await ask('孩子被锁在车里了 车里很热');
		expect(car.intent).toBe('emergency');
		expect(car.links.filter((l) => l.href.startsWith('tel:')).length).toBeGreaterThan(1);
		const fence = await ask('a man touched the electric fence and is lying there', 'en');
		expect(fence.links[0]?.href).toBe('tel:120');
		expect(fence.reply).toContain('Cut the power');
		const mud = await ask('陷在泥里了 越陷越深');
		expect(mud.links[0]?.href).toBe('tel:119');
		const cave = await ask('I am alone and lost in a dark cave, my torch died', 'en');
		expect(cave.intent).toBe('emergency');
		expect(cave.links.some((l) => l.href === 'tel:110')).toBe(true);
	});
});
