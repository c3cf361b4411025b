/** Words the reviews hit (issue 15): thunderstorms, snake bites, driving through water, a dam break. */
import { describe, expect, it } from 'vitest';
import { guideNamed, hazardIn } from './classify';
import { normalize } from './text';
import { understand } from './understand';

const n = normalize;

describe('synonyms', () => {
	it('takes a thunderstorm for lightning', () => {
		expect(hazardIn(n('雷雨天在山上往哪躲'))).toBe('lightning');
		expect(hazardIn(n('午后有雷阵雨 还能爬长城吗'))).toBe('lightning');
		expect(hazardIn(n('Thunderstorms this afternoon, is the wall safe?'))).toBe('lightning');
	});

	// The first-aid steps for a bite are in the snakes guide (snakes, hornets, boars, dogs), since
	// 2026-12-05; first_aid has no bite section to show.
	it('takes a snake bite, a hornet sting and a dog bite for the bites guide, and a fever and a power cut for theirs', () => {
		expect(guideNamed(n('蛇咬伤要不要挤毒'))).toMatchObject({ topic: 'snakes' });
		expect(guideNamed(n('what to do about a snakebite'))).toMatchObject({ topic: 'snakes' });
		expect(guideNamed(n('被马蜂蛰了一般多久消肿'))).toMatchObject({ topic: 'snakes' });
		expect(guideNamed(n('bitten by a dog do i need a rabies shot'))).toMatchObject({ topic: 'snakes' });
		expect(guideNamed(n('孩子发烧38度5 要不要捂汗'))).toMatchObject({ topic: 'fever' });
		expect(guideNamed(n('power cut since last night, is the food in the fridge ok'))).toMatchObject({ topic: 'power_cut' });
		// A shock is still first aid, not a power cut.
		expect(guideNamed(n('触电了先拉人还是先断电'))).toMatchObject({ topic: 'first_aid' });
	});

	it('takes a dam break for a flood, and "what if" it breaks for the flood guide', () => {
		expect(hazardIn(n('假如密云水库溃坝了'))).toBe('flood');
		expect(hazardIn(n('what if the dam breaks'))).toBe('flood');
		const none = { place: null, guide: null, category: '', hazard: null } as const;
		const u = understand(n('假如密云水库溃坝了'), { guide: { by: 'topic' } });
		expect(u).toMatchObject({ intent: 'guide', call: [] });
		expect(understand(n('what if the dam breaks'), none).intent).not.toBe('emergency');
	});

	it('takes "how deep can I drive through" for driving in flood water (the rainstorm guide)', () => {
		expect(guideNamed(n('How deep can I drive through water on the road?'))).toMatchObject({ topic: 'rainstorm' });
		expect(guideNamed(n('路上积水多深能开过去'))).toMatchObject({ topic: 'rainstorm' });
	});
});
