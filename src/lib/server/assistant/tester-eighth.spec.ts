/**
 * The outside tester's findings on the running app (issue 15, eighth round), each on a real
 * database: the whole answer — the numbers in order, the steps quoted, the links — not only
 * the intent. Also the classes of the five emergencies blind split 7 missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS, type Claims } from '../db/caller';
import type { Database } from '../db/port';
import { seedDemoShelters } from '../shelters/seed';
import { as, backends } from '../testing/db';
import * as warnings from '../warnings/store';
import { rainstorm } from '../warnings/testing/fixtures';
import { addStaff } from '../staff';
import { converse } from '.';

describe.each(backends())('the assistant, eighth round, on $name', (backend) => {
	let db: Database;
	let issuer: Claims;
	const ask = (text: string, lang: 'zh-CN' | 'en' = 'zh-CN') =>
		as(db, ANON_CLAIMS, (tx) =>
			converse(tx, { id: null, message: { text, lang, lat: null, lon: null, photos: [] }, channel: { kind: 'web', photos: true, reportLimit: () => null } })
		);
	const numbers = (r: { links: { href: string }[] }) => r.links.filter((l) => l.href.startsWith('tel:')).map((l) => l.href.slice(4));

	beforeAll(async () => {
		db = await backend.open();
		await seedDemoShelters(db);
		const { userId } = await addStaff(db, { email: 'eighth@test.cn', password: 'correct horse battery', role: 'warning_issuer', departmentCode: 'emergency' });
		issuer = { role: 'authenticated', sub: userId, email: 'eighth@test.cn' };
	});
	afterAll(async () => {
		await db?.close();
	});

	it('calls for the classes blind split 7 missed: a body in water, a machine wound, a bleeding head, a lift, a stalker', async () => {
		for (const [text, lang, first] of [
			['鱼塘里漂着个人 脸朝下的', 'zh-CN', '110'],
			['河边水面上浮着个孩子 一动不动', 'zh-CN', '110'],
			['电锯把腿拉了', 'zh-CN', '120'],
			['my dad caught his hand in the grinder, lots of blood', 'en', '120'],
			['冰雹把停车场一个大爷脑袋砸破了 血糊了一脸', 'zh-CN', '120'],
			['被关电梯里了 灯也灭了 喊了半天没人', 'zh-CN', '119'],
			["we're stuck in the elevator between floors", 'en', '119'],
			['有个男的一路跟着我 我躲公厕里不敢出去', 'zh-CN', '110'],
			['a man has been following me for an hour, im hiding in a shop', 'en', '110']
		] as const) {
			const r = await ask(text, lang);
			expect(r.intent, text).toBe('emergency');
			expect(numbers(r)[0], text).toBe(first);
		}
	});

	it('takes self-harm for an emergency: 120 then 110 with the bleeding steps for a cut wrist; 110 first for a jump', async () => {
		const wrist = await ask('家里有人割腕了');
		expect(wrist.intent).toBe('emergency');
		expect(numbers(wrist).slice(0, 2)).toEqual(['120', '110']);
		expect(wrist.reply).toContain('直接按住伤口，用力压，不松手');
		for (const [text, lang] of [['我妈吃了一瓶安眠药', 'zh-CN'], ['my brother took a whole bottle of pills', 'en']] as const) {
			const r = await ask(text, lang);
			expect(r.intent, text).toBe('emergency');
			expect(numbers(r)[0], text).toBe('120');
		}
		for (const [text, lang] of [['我朋友说不想活了 要跳楼', 'zh-CN'], ['she wants to jump off the bridge', 'en']] as const) {
			const r = await ask(text, lang);
			expect(r.intent, text).toBe('emergency');
			expect(numbers(r).slice(0, 2), text).toEqual(['110', '120']);
		}
		// Asked as a topic, it is the guide.
		expect((await ask('如果有人割腕了怎么办')).intent).toBe('guide');
	});

	it('reads pinyin with tone marks like plain pinyin', async () => {
		const r = await ask('rén bèi diàn dào le');
		expect(r.intent).toBe('emergency');
		expect(numbers(r)[0]).toBe('120');
	});

	it('gives a gas leak now the call box (119) with the gas steps, typo and all', async () => {
		const r = await ask('煤气泄露了怎么半');
		expect(r.intent).toBe('emergency');
		expect(numbers(r)[0]).toBe('119');
		expect(r.reply).toContain('什么开关都不要动');
	});

	it('calls no one for a hazard with nobody in it', async () => {
		const hail = await ask('外面下冰雹了');
		expect(hail.intent).toBe('guide');
		expect(hail.links.some((l) => l.href.startsWith('/guides/hail'))).toBe(true);
		expect(numbers(hail)).toEqual([]);
		const road = await ask('路被石头堵住了，在穆家峪镇');
		expect(road.intent).toBe('report');
		expect(numbers(road)).toEqual([]);
	});

	it('orders the numbers by the kind of emergency, and quotes the steps a bystander needs', async () => {
		const burn = await ask("hot water burned my kid's arm badly", 'en');
		expect(burn.intent).toBe('emergency');
		expect(numbers(burn)).toEqual(['120']);
		expect(burn.reply).toContain('Cool the burn under cool running water for 20 minutes');
		const bee = await ask('my friend got stung by a bee and his face is swelling up', 'en');
		expect(numbers(bee)).toEqual(['120']);
		const mushrooms = await ask('村里好多人吃了蘑菇后吐');
		expect(numbers(mushrooms)[0]).toBe('120');
		const reservoir = await ask('somebody fell into the reservoir and isnt coming up', 'en');
		expect(numbers(reservoir)).toEqual(['110', '119', '120']);
		expect(reservoir.reply).toContain('Shout for help and call 110 or 119');
		const child = await ask('有个孩子在水里挣扎，周围没大人');
		expect(child.intent).toBe('emergency');
		expect(numbers(child).slice(0, 2)).toEqual(['110', '119']);
		expect(child.reply).toContain('不要贸然下水');
		expect(child.reply).toContain('趴在岸上');
		// 122 is not one of the app's numbers: a crash with someone caught goes to 120, then 119 to cut them out.
		const crash = await ask('高速上出车祸了 有人卡在车里');
		expect(numbers(crash)).toEqual(['120', '119', '110']);
	});

	it('answers the question after the warnings, links the subscription, and marks a drill', async () => {
		const saved = await as(db, issuer, (tx) => warnings.saveDraft(tx, rainstorm({ level: 'yellow', status: 'Exercise' })));
		if ('errors' in saved) throw new Error('unexpected');
		await as(db, issuer, (tx) => warnings.submit(tx, saved.id));
		const drill = await ask('现在有预警吗');
		expect(drill.intent).toBe('warnings');
		expect(drill.reply).toContain('【演习】');
		expect((await ask('are there any warnings now', 'en')).reply).toContain('[DRILL]');
		const river = await ask('暴雨红色预警了，我家住在河边，要不要走');
		expect(river.intent).toBe('warnings');
		expect(river.reply).toContain('在山区、河边、沟口');
		expect(river.links.some((l) => l.href.startsWith('/guides/rainstorm'))).toBe(true);
		const hike = await ask('Is it safe to hike Simatai tomorrow?', 'en');
		expect(hike.links.some((l) => l.href.startsWith('/guides/hiking'))).toBe(true);
		const village = await ask('我在北白岩村，雨太大了，现在该干什么');
		expect(village.intent).toBe('warnings');
		expect(numbers(village)).toEqual([]);
		const sub = await ask('帮我订阅预警');
		expect(sub.links[0]?.href).toBe('/alerts');
	});

	it('chooses the guide the question is about', async () => {
		const flood = await ask('去年我家被水淹过，今年要准备啥');
		expect(flood.links[0]?.href).toBe('/guides/flood#before');
		const towel = await ask('湿毛巾捂嘴有用吗');
		expect(towel.intent).toBe('guide');
		expect(towel.links[0]?.href).toMatch(/^\/guides\/building_fire/);
		const swim = await ask('密云水库能游泳吗');
		expect(swim.intent).toBe('guide');
		expect(swim.links[0]?.href).toBe('/guides/drowning#before');
		expect(swim.reply).toContain('不在水库、河道、池塘、采石坑等野外水域游泳');
	});
});
