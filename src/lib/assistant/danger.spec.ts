/**
 * Danger now without an emergency phrase: the emergencies the first review missed
 * (issue 15), and the messages that mention danger but put nobody at risk now.
 */
import { describe, expect, it } from 'vitest';
import { emergencyIn } from './classify';
import { dangerCues } from './cues';
import { dangerNow } from './danger';
import { normalize } from './text';
import { understand } from './understand';

const none = { place: null, guide: null, category: '', hazard: null } as const;
const intent = (text: string) => understand(normalize(text), none).intent;

describe('danger now', () => {
	it.each([
		'孩子刚才还在河边玩 现在人没了',
		'山上滑坡把车埋了一半 里面还有人',
		'我们五个人在山上迷路了 天快黑了 手机快没电了',
		'楼道里电动车烧起来了 楼上一家人下不来',
		'院墙塌了 老太太在里面喊不应',
		'水漫进农家院了 俩孩子还小 我们该咋办',
		'not a drill, fire in the corridor right now',
		'rocks fell on a car, there are people inside',
		'my son went missing near the river'
	])('calls first: %s', (text) => {
		expect(dangerNow(normalize(text)).length || intent(text) === 'emergency').toBeTruthy();
		expect(intent(text)).toBe('emergency');
	});

	it.each(['如果楼道着火了出不去怎么办', 'what if my car is trapped in flood water', '墙塌了 没人受伤 谁来修', 'the underpass is flooded, nobody is stuck'])(
		'is not told by a hypothetical or where nobody is at risk: %s',
		(text) => {
			expect(dangerNow(normalize(text))).toEqual([]);
		}
	);

	it('names the number the danger calls for first', () => {
		expect(dangerNow(normalize('孩子在河边不见了'))[0]).toBe('110');
		expect(dangerNow(normalize('楼道里全着火了 里面有人'))[0]).toBe('119');
		expect(dangerNow(normalize('老人摔倒了 叫不应'))[0]).toBe('120');
	});

	it.each(['去年仓库着火烧塌了 一直没人清理', 'there was a gas leak here last year, who checks the pipes', '山上着火了 就是打个比方 我们往上跑还是往下跑'])(
		'is not told by what happened long ago or by an example: %s',
		(text) => {
			expect(emergencyIn(normalize(text))).toEqual([]);
			expect(dangerNow(normalize(text))).toEqual([]);
		}
	);

	it('gives the model its parts: people, threat, now and their combinations, and the cues that take it back', () => {
		expect(dangerCues(normalize('楼道里着火了 楼上一家人下不来'))).toEqual(expect.arrayContaining(['D:people', 'D:threat', 'D:now', 'D:people+threat+now']));
		expect(dangerCues(normalize('消防演练的时候怎么疏散'))).toContain('D:drill');
		expect(dangerCues(normalize('the bridge rail was fixed yesterday'))).toContain('D:past');
		expect(dangerCues(normalize('what if the river floods'))).toContain('D:hypothetical');
	});
});
