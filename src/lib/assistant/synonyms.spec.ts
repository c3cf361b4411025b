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

	it('takes a snake bite for first aid', () => {
		expect(guideNamed(n('蛇咬伤要不要挤毒'))).toMatchObject({ topic: 'first_aid' });
		expect(guideNamed(n('what to do about a snakebite'))).toMatchObject({ topic: 'first_aid' });
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
