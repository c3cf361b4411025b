/**
 * The classes behind blind split 8's missed emergencies (issue 15, ninth round), on a real
 * database and on the whole answer (the numbers in order): a person found lying or slumped
 * and not moving, a danger told in one word, a controlled fire that got away, someone who
 * does not want to live (also first person, in English), a birth under way, a fall without
 * getting up, an old person alone behind a door nobody opens, violence now, a person hit by
 * a car. And their counterparts that call no one: an "if", a past event, fiction, nobody caught.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_CLAIMS } from '../db/caller';
import type { Database } from '../db/port';
import { as, backends } from '../testing/db';
import { converse } from '.';

describe.each(backends())('the assistant, ninth round, on $name', (backend) => {
	let db: Database;
	const ask = (text: string, lang: 'zh-CN' | 'en' = 'zh-CN') =>
		as(db, ANON_CLAIMS, (tx) =>
			converse(tx, { id: null, message: { text, lang, lat: null, lon: null, photos: [] }, channel: { kind: 'web', photos: true, reportLimit: () => null } })
		);
	const numbers = (r: { links: { href: string }[] }) => r.links.filter((l) => l.href.startsWith('tel:')).map((l) => l.href.slice(4));

	beforeAll(async () => {
		db = await backend.open();
	});
	afterAll(async () => {
		await db?.close();
	});

	it('calls for the classes split 8 missed, with the number that helps first', async () => {
		for (const [text, lang, first] of [
			['停车场一辆车里坐着个人 窗户关着 敲了半天不动', 'zh-CN', '120'],
			['开车路过看到路边一个人躺着 旁边有辆自行车 我该咋办', 'zh-CN', '120'],
			['公厕里有个人倒在地上 喊他不应', 'zh-CN', '120'],
			["there's a man slumped in a parked car, windows up, he's not moving when i knock", 'en', '120'],
			['old lady lying on the sidewalk near the bus stop, what should i do', 'en', '120'],
			['淹水了', 'zh-CN', '119'],
			['房子塌了！', 'zh-CN', '119'],
			['烧秸秆火烧到坟地那边的松树林了 我们几个扑不灭', 'zh-CN', '119'],
			["we were burning leaves and it spread to the trees behind the house, can't put it out", 'en', '119'],
			['i dont want to be alive anymore. im on the bridge', 'en', '110'],
			['活着真没意思 我在水库边上 想一了百了', 'zh-CN', '110'],
			['老婆羊水破了 在家 车还没到', 'zh-CN', '120'],
			["my wife's water broke and we're stuck in traffic on the mountain road", 'en', '120'],
			['我妈在卫生间摔了 起不来了', 'zh-CN', '120'],
			['对门独居的大爷好几天没出门了 敲门没人开 屋里有味儿', 'zh-CN', '110'],
			['邻居在家暴 女的一直在喊救命', 'zh-CN', '110'],
			['someone is beating a woman in the parking lot right now', 'en', '110']
		] as const) {
			const r = await ask(text, lang);
			expect(r.intent, text).toBe('emergency');
			expect(numbers(r)[0], text).toBe(first);
		}
	});

	it('calls no one for the same dangers asked as an if, told as past or fiction, or with nobody caught', async () => {
		for (const [text, lang] of [
			['如果在路边看到有人躺着不动 应该先做什么', 'zh-CN'],
			['what should you do if you find someone collapsed in the street', 'en'],
			['烧秸秆万一火控制不住怎么办', 'zh-CN'],
			['下雨了 地下车库入口有点淹水 没有车困住 报一下', 'zh-CN'],
			['这部电影里男主角说活着没意思 好看吗', 'zh-CN'],
			['笑得不行了 你真逗', 'zh-CN']
		] as const) {
			const r = await ask(text, lang);
			expect(r.intent, text).not.toBe('emergency');
			expect(numbers(r), text).toEqual([]);
		}
	});
});
