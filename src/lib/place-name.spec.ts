import { describe, expect, it } from 'vitest';
import { englishPlaceNames, hasHan, visitorPlace } from './place-name';

describe('place names on a page', () => {
	it('English first, the Chinese in brackets; Chinese pages the Chinese only', () => {
		expect(visitorPlace('石城镇观摩区', 'Shicheng Town viewing area', 'en')).toBe('Shicheng Town viewing area (石城镇观摩区)');
		expect(visitorPlace('石城镇观摩区', 'Shicheng Town viewing area', 'zh-CN')).toBe('石城镇观摩区');
		expect(visitorPlace('石城镇观摩区', null, 'en')).toBe('石城镇观摩区');
	});

	it('tells English text with Chinese left in it', () => {
		expect(hasHan('beside 鸳鸯湖 reservoir')).toBe(true);
		expect(hasHan('Xiwengzhuang Town, Mujiayu Town')).toBe(false);
	});

	it("puts the district's English names into English text, longest name first", () => {
		const places = [
			{ name_zh: '溪翁庄村', name_en: 'Xiwengzhuang Village' },
			{ name_zh: '溪翁庄镇', name_en: 'Xiwengzhuang Town' },
			{ name_zh: '穆家峪镇', name_en: 'Mujiayu Town' }
		];
		expect(englishPlaceNames('溪翁庄镇', places)).toBe('Xiwengzhuang Town');
		expect(englishPlaceNames('溪翁庄镇、穆家峪镇；溪翁庄村', places)).toBe('Xiwengzhuang Town, Mujiayu Town; Xiwengzhuang Village');
		expect(englishPlaceNames('Shicheng', places)).toBe('Shicheng');
	});
});
