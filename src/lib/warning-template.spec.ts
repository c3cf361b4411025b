/**
 * The outside tester chose 已发生 and 立即 for three townships and got "密云区预计将出现
 * 暴雨…请注意防范" under "密云区发布…": the template must follow the chosen area,
 * certainty and urgency, in both languages. Texts are the real locale bundles.
 */
import { describe, expect, it } from 'vitest';
import { messagesFor } from './server/i18n';
import { warningTemplate, type TemplateTexts } from './warning-template';

function texts(lang: 'zh-CN' | 'en'): TemplateTexts {
	const m = messagesFor(lang);
	return { ...(m.warnings as TemplateTexts), hazards: m.hazards as Record<string, string>, levels: m.levels as Record<string, string> };
}

const three = { zh: ['古北口镇', '高岭镇', '太师屯镇'], en: ['Gubeikou Town', 'Gaoling Town', 'Taishitun Town'] };

describe('the compose template', () => {
	it('names the picked townships and says observed/immediate in Chinese', () => {
		const out = warningTemplate(texts('zh-CN'), { hazard: 'rainstorm', level: 'red', certainty: 'Observed', urgency: 'Immediate', towns: three.zh, allTowns: false, otherAreas: false });
		expect(out.headline).toBe('古北口镇、高岭镇、太师屯镇暴雨红色预警');
		expect(out.description).toContain('古北口镇、高岭镇、太师屯镇已出现暴雨');
		expect(out.description).toContain('请立即采取防范措施');
		expect(`${out.headline}${out.description}`).not.toMatch(/密云区|预计|请注意防范/);
	});

	it('does the same in English', () => {
		const out = warningTemplate(texts('en'), { hazard: 'rainstorm', level: 'red', certainty: 'Observed', urgency: 'Immediate', towns: three.en, allTowns: false, otherAreas: false });
		expect(out.headline).toContain('Gubeikou Town, Gaoling Town, Taishitun Town');
		expect(out.description).toMatch(/is occurring in Gubeikou Town, Gaoling Town, Taishitun Town/);
		expect(out.description).toContain('Take protective action now.');
		expect(`${out.headline}${out.description}`).not.toMatch(/Miyun District|expected|\{\{/);
	});

	it('says the district when the whole district is picked, "parts of" for a drawn area, and follows likely/future', () => {
		const zh = texts('zh-CN');
		const all = warningTemplate(zh, { hazard: 'rainstorm', level: 'yellow', certainty: 'Likely', urgency: 'Future', towns: three.zh, allTowns: true, otherAreas: false });
		expect(all.description).toMatch(/^密云区预计将出现暴雨.*请提前做好防范准备。$/);
		const drawn = warningTemplate(zh, { hazard: 'rainstorm', level: 'yellow', certainty: 'Possible', urgency: 'Expected', towns: [], allTowns: false, otherAreas: true });
		expect(drawn.description).toMatch(/^密云区部分地区可能出现暴雨/);
		const mixed = warningTemplate(texts('en'), { hazard: 'rainstorm', level: 'yellow', certainty: 'Likely', urgency: 'Expected', towns: ['Gubeikou Town'], allTowns: false, otherAreas: true });
		expect(mixed.description).toContain('Gubeikou Town and nearby areas');
	});
});
