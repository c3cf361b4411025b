/**
 * The tenth round (2026-12-05): what blind split 9 showed the rules missing or calling wrongly,
 * read by the rules alone (the model is retrained every round; the rules must hold without it).
 */
import { describe, expect, it } from 'vitest';
import { classify, emergencyIn, guideNamed, hazardIn } from './classify';
import { dangerNow } from './danger';
import { normalize } from './text';
import { understand } from './understand';

const n = normalize;
const none = { place: null, guide: null, category: '', hazard: null } as const;

describe('the rules, tenth round', () => {
	it.each([
		['my cousin keeps talking about killing himself and just walked out with a rope', '110'],
		['she wants to end it, she said so an hour ago and now her phone is off', '110'],
		['wo de pengyou shuo yao zisha', '110'],
		['ta shuo bu xiang huo le', '110'],
		['割草机把脚面划了 一直往外冒血', '120'],
		['the cut on his arm keeps bleeding through the towel', '120'],
		['old man lying by the road near the bridge, what should i do', '120']
	])('calls for %s, %s first', (text, first) => {
		expect(dangerNow(n(text))[0]).toBe(first);
	});

	it('puts the ambulance first for a birth on the way, though the car is stuck', () => {
		expect(understand(n("her water broke and we're stuck in traffic below the pass"), none).call[0]).toBe('120');
	});

	it.each([
		'楼道里一股煤气味 没人晕倒啥的 物业也不管',
		'北边山上冒烟了 离村子挺远 看着是烧荒',
		'the van slid off the road, everyone seems fine, who do we call to tow it'
	])('calls no one where nobody is at risk: %s', (text) => {
		expect(emergencyIn(n(text))).toEqual([]);
		expect(dangerNow(n(text))).toEqual([]);
	});

	it('takes someone in bed who cannot sleep for no one found lying', () => {
		expect(dangerNow(n('我一个人躺在床上半天睡不着 咋办'))).toEqual([]);
		expect(dangerNow(n('有个人躺在路边半天不动 咋办'))[0]).toBe('120');
	});

	it('answers what weather is coming with the warnings, and "what do I do" with the guide', () => {
		const ask = (text: string) => classify(n(text), { ...none, guide: null, hazard: hazardIn(n(text)), category: '', emergency: [], place: null });
		expect(ask('后天冯家峪有没有暴雨')).toBe('warnings');
		expect(ask('will there be a blizzard this weekend?')).toBe('warnings');
		expect(ask('明天要是下暴雨 出门该注意啥')).not.toBe('warnings');
	});

	it('links the bites guide for bites and stings, the fever guide and the power-cut guide', () => {
		expect(guideNamed(n('让马蜂蛰了要不要去医院')).topic).toBe('snakes');
		expect(guideNamed(n('孩子低烧两天了')).topic).toBe('fever');
		expect(guideNamed(n('停电了 冰箱里的胰岛素咋办')).topic).toBe('power_cut');
	});
});
