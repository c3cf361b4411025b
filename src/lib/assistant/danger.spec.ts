/**
 * Danger now without an emergency phrase: the emergencies the first review missed
 * (issue 15), and the messages that mention danger but put nobody at risk now.
 */
import { describe, expect, it } from 'vitest';
import { emergencyIn, plain } from './classify';
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

	// Cases written for the rules of issue 15's third round, not taken from any corpus.
	it.each([
		['我姥爷在菜地里摔了 脑袋磕石头上了 现在一个劲儿吐 还犯迷糊', '120'],
		['刀切到手了 按了十分钟血还是止不住', '120'],
		['闺女发烧烧得浑身烫 刚才突然抽起来了', '120'],
		['我爸在山上歇脚 说心口疼 脸都白了', '120'],
		['姥姥吃饭吃着嘴歪了 说话不利索', '120'],
		['my uncle is slurring his words and his face is drooping on one side', '120'],
		['my sister cut her foot on the rocks and it wont stop bleeding', '120'],
		['the baby has a high fever and is convulsing', '120'],
		['my roommate took too many pills and is hard to wake', '120'],
		['奶奶在厨房坐地上了 怎么叫都不睁眼', '120'],
		['my friend is having an asthma attack on the trail and has no inhaler', '120']
	])('calls on a grave sign of the body alone: %s', (text, first) => {
		expect(dangerNow(normalize(text))[0]).toBe(first);
		expect(intent(text)).toBe('emergency');
	});

	it.each([
		'我们厂有人下到污水池里检查 上来的时候晕了 底下还有一个',
		'送外卖的让水泥罐车挂倒了 人在车底下',
		'a worker went down the manhole and has not come back up',
		'烟从一楼往上冒 我们在五楼 往哪边跑',
		'有个大爷在河滩棚子里睡着呢 水已经漫到棚子边了',
		'房子晃完了墙上全是缝 我爷爷卧床下不来'
	])('calls when a person is inside, under or cut off: %s', (text) => {
		expect(intent(text)).toBe('emergency');
	});

	it.each([
		['仓库顶塌了一角 没伤着人 麻烦派人来看看', 'report'],
		['a tree fell on the power line by the school, nobody around, sparks now and then', 'report'],
		['小区门口燃气管子漏气了 人都撤出来了 已经关阀', 'report']
	])('gives no call box to a hazard where nobody is at risk: %s', (text) => {
		expect(dangerNow(normalize(text))).toEqual([]);
		expect(emergencyIn(normalize(text))).toEqual([]);
		expect(intent(text)).not.toBe('emergency');
	});

	it.each(['how to help someone having a seizure', '下个月搞防震演练 腿脚不好的老人怎么撤', '昨天我爸胸口疼 去医院查了 已经好了', '路口那个下水井没盖 怕有人掉进去', '老人卧床的人家 地震的时候怎么转移', '我爷爷有心脏病 平常胸口疼该注意啥'])('is not told by a grave sign asked about as a topic, nor by a drill: %s', (text) => {
		expect(dangerNow(normalize(text))).toEqual([]);
	});

	it('reads "if it catches fire we are done for" as a worry, not a fire now', () => {
		expect(emergencyIn(normalize('车库里电动车一排排地充电 着火了就麻烦了'))).toEqual([]);
	});

	// An outside tester's report: "which way do I run" had overridden a fire now (the "or" read as a
	// hypothetical) and the model's general numbers had led with 110.
	it.each([
		['楼道全是烟 往上跑还是往下跑', '119'],
		['smoke in the stairwell, run up or down?', '119'],
		['the stairs are filled with smoke, upstairs or downstairs?', '119'],
		['smoke in the stairwell, should we run up or down?', '119'],
		['山火烧过来了 往哪边跑', '119'],
		['水涨进院子了 往哪跑', '119']
	])('calls on a hazard now asked about which way to run, with its number first: %s', (text, first) => {
		const u = understand(normalize(text), none);
		expect(u.intent).toBe('emergency');
		expect(u.call[0]).toBe(first);
	});

	it.each(['高楼着火该往上跑还是往下跑', '如果着火了往哪跑', '着火的时候往上跑还是往下跑', 'if there is smoke in the stairwell should I go up or down'])(
		'still reads a which-way question asked in general or as an "if" as a guide question: %s',
		(text) => {
			expect(emergencyIn(normalize(text))).toEqual([]);
			expect(dangerNow(normalize(text))).toEqual([]);
		}
	);

	it('reads venting with nothing else asked as small talk', () => {
		expect(intent('烦死了 今天啥都不顺')).toBe('smalltalk');
	});
});

describe('who is at risk now (blind split 4)', () => {
	it.each([
		'被狗咬了一般咋处理 要打针吗',
		'中暑的时候咋整 一般先干啥',
		'how long should i hold pressure on a cut that is bleeding',
		'被困火场 湿毛巾捂嘴真有用吗',
		'燃气灶用完了 咋检查有没有漏气',
		'泥石流来之前有啥预兆',
		'路边井盖没了 晚上肯定有人掉进去',
		'变电箱围栏坏了 小孩老往里钻',
		'楼道有股煤气味 我开窗了 没人有事',
		'污水井工人没戴面罩 我让他们先别下了',
		'a few rocks on the road to the waterfall, we passed slowly',
		'上次发洪水地下室全淹了 这回想提前准备点啥',
		'老年人心脏病犯了 送医院前能做点啥'
	])('asked in general, as a habit, or with nobody in it, calls no one: %s', (text) => {
		expect(emergencyIn(normalize(text))).toEqual([]);
		expect(dangerNow(normalize(text))).toEqual([]);
		expect(intent(text)).not.toBe('emergency');
	});

	it.each([
		'河边有个小孩在水里扑腾 旁边没大人',
		'someone is shouting in the water, its dark and we cant see him',
		'我爷爷喝了酒在炕上睡 炉子灭了 现在怎么拍都不醒',
		'lost our 5 year old at the ski resort, blue jacket',
		'山火 我们开车 前后都是火',
		'stung by bees, dizzy and hard to breathe',
		'我妈胸口疼 吃了药也不管用',
		'the water is around the house, cars floating, we went upstairs with the kids',
		'smoke in the stairwell, should we go down the stairs or stay in our room'
	])('a person in danger now calls first, by the rules (not the model\'s guess): %s', (text) => {
		expect([...emergencyIn(normalize(text)), ...dangerNow(normalize(text))].length).toBeGreaterThan(0);
		expect(intent(text)).toBe('emergency');
	});

	it('"still" takes the generic reading back: it is happening now', () => {
		expect(intent('被蛇咬了 现在脚肿了 一般咋处理')).toBe('emergency');
	});
});

describe("a person's state now, by two parts together (blind split 5)", () => {
	it.each([
		// electrocution: hit by current, or still held by the wire
		'我舅修电闸的时候被电着了 人趴在那不动',
		'工地上有个师傅抓着电线下不来 浑身抖',
		'my uncle got shocked fixing the pump and he is still on the wire',
		// ingestion: something toxic swallowed, with or without symptoms yet
		'小孙子误喝了消毒液 嘴边都是泡',
		'奶奶把农药当成饮料喝了两口',
		'my toddler swallowed some bleach and keeps throwing up',
		// overdue with no contact
		'媳妇去镇上赶集 说好两点回来 现在天都黑了 电话一直打不通',
		'my dad went fishing at the reservoir this morning, should have been back by noon, phone is off',
		// boxed in while the threat keeps coming
		'我们的车被落石困在山道上 上面还在掉石头',
		'we are stuck on the road between two slides and more mud keeps coming down',
		// out in the dark without a light or the way
		'天黑了 在雾灵山迷路了 手电没电了',
		"it's pitch dark on the trail and we have no light, can't find the way down",
		// a grave burn
		'孙女让热油烫了一大片 起了水泡'
	])('calls first, by the rules (not the model\'s guess): %s', (text) => {
		expect([...emergencyIn(normalize(text)), ...dangerNow(normalize(text))].length).toBeGreaterThan(0);
		expect(intent(text)).toBe('emergency');
	});

	it('calls the numbers of the state: 120 for a swallowed poison, 110 for someone overdue and unreachable', () => {
		expect(dangerNow(normalize('奶奶把农药当成饮料喝了两口'))[0]).toBe('120');
		expect(dangerNow(normalize('媳妇去镇上赶集 说好两点回来 现在天都黑了 电话一直打不通'))).toContain('110');
	});

	it.each([
		'汽油要是喝了会怎么样',
		'小区停电了 电话也打不通物业',
		'how can i tell if someone is having a stroke',
		'燃气灶有点味 咋判断是不是漏了',
		'a branch fell across the path to the lake, no one injured',
		'河滩上有人烧过火 人已经走了 还有点烟',
		'小区组织消防演练 模拟楼里有人被困 要准备些啥',
		'last winter we got stuck in snow on the mountain road, what should we have done',
		'rocks on the road to the dam, cars are turning back'
	])('a question, or a hazard with nobody there, calls no one: %s', (text) => {
		expect(emergencyIn(normalize(text))).toEqual([]);
		expect(dangerNow(normalize(text))).toEqual([]);
	});
});

describe('the outside testers’ emergencies of 2026-12-04 night, by the rules (not the model’s guess)', () => {
	const rules = (text: string) => {
		const t = plain(normalize(text));
		return [...new Set([...emergencyIn(t), ...dangerNow(t)])];
	};

	it.each([
		['楼道有烟味 往上跑还是往下跑', '119'],
		['屋里生着煤炉 一氧化碳 人昏昏沉沉的', '120'],
		['烧着炭盆睡觉 早上我妈喊不醒', '120'],
		['we used a charcoal heater, now my wife is dizzy and throwing up', '120'],
		['孩子误食药了', '120'],
		['奶奶把降压药吃多了 吞了一把', '120'],
		['a man touched the electric fence and is lying there', '120'],
		['牛栏的电网把人电倒了', '120'],
		['shi cheng zhen you ren luo shui le kuai lai', '110'],
		['jiuming', '110'],
		['zhao huo le', '119'],
		['wo men bei kun zai shan shang le', '119'],
		['孩子被锁在车里了 车里很热', '119'],
		['my kid is locked in the car in the sun', '119'],
		['陷在泥里了 越陷越深', '119'],
		['my friend is sinking in quicksand up to his waist', '119'],
		['一个人在山洞里迷路了 手电没电了', '110'],
		['I am alone and lost in a dark cave', '110']
	])('calls first: %s (%s among the numbers)', (text, number) => {
		expect(rules(text)).toContain(number);
	});

	it.each([
		'如果有人触电了怎么办',
		'ru guo zhao huo le zen me ban',
		'煤炉取暖怎么预防一氧化碳中毒',
		'去年冬天邻居煤气中毒过 今年要注意啥',
		'误食药物怎么办',
		'电网围栏可以自己装吗',
		'what should you do if you sink in quicksand',
		'how to do cpr',
		'溶洞景区几点开门',
		'车陷在泥里了 没人受伤 叫个拖车',
		'楼下烧烤烟味太大了 能投诉吗'
	])('calls no one for a question, the past or nobody at risk: %s', (text) => {
		expect(rules(text)).toEqual([]);
	});

	it('puts 120 before 110 for someone who does not respond', () => {
		expect(understand(normalize('我爸突然倒下了 没有反应'), none).call[0]).toBe('120');
		const call = understand(normalize('院墙塌了 老太太在里面喊不应'), none).call;
		expect(call[0]).not.toBe('110');
		expect(call.indexOf('120')).toBeGreaterThanOrEqual(0);
		const lying = understand(normalize('a man is lying on the trail and is unresponsive'), none).call;
		expect(lying[0]).toBe('120');
	});
});
