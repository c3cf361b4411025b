import { describe, expect, it } from 'vitest';
import { broadcastScript, clockWords, integerWords, momentWords, numberWords, speakable } from './script';

const zh = (headline: string, description: string, instruction: string, senderName = '密云区气象台') => ({
	lang: 'zh-CN',
	event: '',
	headline,
	description,
	instruction,
	senderName,
	areaDesc: ''
});
const en = { lang: 'en', event: '', headline: 'Rainstorm warning', description: 'Heavy rain', instruction: 'Stay in', senderName: 'Met', areaDesc: '' };

/** What must never reach a loudspeaker: digits, Latin letters of links, brackets of any kind. */
function assertSpeakable(text: string) {
	expect(text).not.toMatch(/[0-9０-９]/);
	expect(text).not.toMatch(/https?|www|\.cn|\.com/i);
	expect(text).not.toMatch(/[()（）【】[\]〔〕《》<>{}]/);
	expect(text).not.toMatch(/[，。]{2,}|^[，。]/);
}

describe('numbers in words', () => {
	it('reads whole numbers as spoken', () => {
		expect(integerWords(0)).toBe('零');
		expect(integerWords(10)).toBe('十');
		expect(integerWords(15)).toBe('十五');
		expect(integerWords(20)).toBe('二十');
		expect(integerWords(110)).toBe('一百一十');
		expect(integerWords(120)).toBe('一百二十');
		expect(integerWords(1005)).toBe('一千零五');
		expect(integerWords(30005)).toBe('三万零五');
		expect(integerWords(100000)).toBe('十万');
		expect(integerWords(120000)).toBe('十二万');
		expect(integerWords(1001000)).toBe('一百万一千');
		expect(integerWords(250000000)).toBe('二亿五千万');
	});
	it('reads decimals and negatives', () => {
		expect(numberWords('120.5')).toBe('一百二十点五');
		expect(numberWords('-3')).toBe('负三');
		expect(numberWords('0.05')).toBe('零点零五');
	});
	it('reads clock times with the part of the day, in Beijing time', () => {
		expect(clockWords(15, 20)).toBe('下午三点二十分');
		expect(clockWords(8, 0)).toBe('上午八点整');
		expect(clockWords(0, 30)).toBe('凌晨零点三十分');
		expect(clockWords(12, 5)).toBe('中午十二点五分');
		expect(clockWords(21, 0)).toBe('晚上九点整');
		expect(momentWords(new Date('2026-12-04T07:20:00Z'))).toBe('十二月四日下午三点二十分');
	});
});

describe('speakable text', () => {
	it('turns amounts with units into words', () => {
		expect(speakable('累计降雨量将达120mm，局地150毫米以上')).toBe('累计降雨量将达一百二十毫米，局地一百五十毫米以上。');
		expect(speakable('阵风8级，风速20m/s，最高气温37℃')).toBe('阵风八级，风速二十米每秒，最高气温三十七摄氏度。');
		expect(speakable('降水概率80%')).toBe('降水概率百分之八十。');
		expect(speakable('雨量50-100毫米')).toBe('雨量五十到一百毫米。');
		expect(speakable('水库泄洪流量300m³/s')).toBe('水库泄洪流量三百立方米每秒。');
	});
	it('reads times, dates and years', () => {
		expect(speakable('预计15:20至18:00')).toBe('预计下午三点二十分至下午六点整。');
		expect(speakable('4日20时起')).toBe('四日晚上八点整起。');
		expect(speakable('2026年12月4日')).toBe('二零二六年十二月四日。');
	});
	it('reads numbers people dial digit by digit, but not the same digits as a quantity', () => {
		expect(speakable('遇险请拨打110、119或120')).toBe('遇险请拨打幺幺零、幺幺九或幺二零。');
		expect(speakable('热线12345')).toBe('热线幺二三四五。');
		expect(speakable('值班电话010-69041234')).toBe('值班电话零幺零六九零四幺二三四。');
		expect(speakable('雨量120毫米')).toBe('雨量一百二十毫米。');
	});
	it('drops links (and the words that point to them) and brackets', () => {
		expect(speakable('详情请见 https://weather.example.cn/warn?id=1 。请注意防范')).toBe('请注意防范。');
		expect(speakable('（详见www.bjmy.gov.cn）注意安全')).toBe('注意安全。');
		expect(speakable('【密云区气象台】发布暴雨预警(III级)')).toBe('密云区气象台，发布暴雨预警，III级。');
		expect(speakable('请关注《防汛通知》')).toBe('请关注防汛通知。');
	});
});

describe('the broadcast script', () => {
	const base = { sent: new Date('2026-12-04T07:20:00Z'), effective: new Date('2026-12-04T07:20:00Z'), expires: new Date('2026-12-05T12:00:00Z') };

	it('says the message twice, with the time it was issued and until when', () => {
		const script = broadcastScript({
			...base,
			infos: [en, zh('密云区暴雨黄色预警', '预计4日20时至5日8时，累计雨量50-80mm。', '山区村民请远离河道，必要时转移。')]
		});
		assertSpeakable(script);
		const message = '密云区气象台在十二月四日下午三点二十分发布密云区暴雨黄色预警。预计四日晚上八点整至五日上午八点整，累计雨量五十到八十毫米。山区村民请远离河道，必要时转移。预警有效至十二月五日晚上八点整。';
		expect(script).toBe(`各位村民请注意，各位村民请注意。${message}再播一遍。${message}播送完毕。`);
		expect(script.split('下午三点二十分').length - 1).toBe(2);
	});

	it('cleans imported CAP text: links, brackets, digits, Latin units', () => {
		const script = broadcastScript({
			...base,
			infos: [
				zh(
					'【北京市气象台】暴雨橙色预警(Ⅱ级)',
					'北京市气象台2026年12月4日15时00分发布暴雨橙色预警：预计4日16:00至5日02:00，最大小时雨强可达70mm以上，累计雨量可达150mm（局地200mm）。详见 http://bj.weather.example.cn/alarm/123.html',
					'1.停止户外作业；2.转移低洼地带人员。咨询电话：010-12121，或拨打120。',
					'Beijing Met Office (北京市气象台)'
				)
			]
		});
		assertSpeakable(script);
		expect(script).toContain('二零二六年十二月四日下午三点整发布暴雨橙色预警');
		expect(script).toContain('最大小时雨强可达七十毫米以上，累计雨量可达一百五十毫米，局地二百毫米。');
		expect(script).toContain('咨询电话：零幺零幺二幺二幺，或拨打幺二零。');
		expect(script).not.toContain('详见');
		expect(script).toContain('。停止户外作业，转移低洼地带人员。');
	});

	it('announces a drill as a drill (an outside tester found drill titles shown without their mark)', () => {
		const script = broadcastScript({ ...base, status: 'Exercise', infos: [zh('密云区暴雨红色预警', '演练。', '按演练安排转移。')] });
		expect(script).toContain('发布演习，密云区暴雨红色预警');
		expect(broadcastScript({ ...base, status: 'Actual', infos: [zh('密云区暴雨红色预警', '演练。', '按演练安排转移。')] })).not.toContain('演习');
	});

	it('is empty when a warning has no text at all', () => {
		expect(broadcastScript({ ...base, infos: [] })).toBe('');
	});

	it('falls back to the effective time when the warning has not been sent yet', () => {
		const script = broadcastScript({ ...base, sent: null, effective: new Date('2026-12-04T00:05:00Z'), infos: [zh('大风蓝色预警', '阵风七级', '')] });
		assertSpeakable(script);
		expect(script).toContain('在十二月四日上午八点五分发布大风蓝色预警。阵风七级。');
	});
});
