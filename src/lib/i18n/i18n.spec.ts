import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseLang } from '../server/i18n';
import { sourceFiles } from '../server/testing/source';
import { joinList, LANGS, makeT, negotiate, type Messages } from './index';

function keys(messages: Messages, prefix = ''): string[] {
	return Object.entries(messages).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
}

const LOCALES = 'src/lib/i18n/locales';

/** All of one language's files merged, failing if two files define the same group. */
function load(lang: string): Messages {
	const merged: Messages = {};
	for (const file of fs.readdirSync(path.join(LOCALES, lang)).sort()) {
		const messages: Messages = JSON.parse(fs.readFileSync(path.join(LOCALES, lang, file), 'utf8'));
		for (const [group, value] of Object.entries(messages)) {
			expect(merged, `${lang}/${file} defines "${group}" again`).not.toHaveProperty(group);
			merged[group] = value;
		}
	}
	return merged;
}

describe('languages', () => {
	it('every language has the same message files', () => {
		const reference = fs.readdirSync(path.join(LOCALES, 'zh-CN')).sort();
		for (const lang of LANGS) expect(fs.readdirSync(path.join(LOCALES, lang)).sort(), lang).toEqual(reference);
	});

	it('every language has exactly the keys of zh-CN, none empty', () => {
		const reference = keys(load('zh-CN')).sort();
		for (const lang of LANGS) {
			const messages = load(lang);
			expect(keys(messages).sort(), lang).toEqual(reference);
			const t = makeT(lang, messages);
			for (const key of reference) expect(t(key).trim(), `${lang}: ${key}`).not.toBe('');
		}
	});

	it('negotiates Accept-Language by weight, zh-CN by default', () => {
		expect(negotiate(null)).toBe('zh-CN');
		expect(negotiate('en-US,en;q=0.9')).toBe('en');
		expect(negotiate('fr-FR, en;q=0.5, zh-TW;q=0.8')).toBe('zh-CN');
		expect(negotiate('de, fr;q=0.9')).toBe('zh-CN');
		expect(negotiate('en;q=0, zh;q=0.1')).toBe('zh-CN');
		expect(negotiate('ja, en-GB;q=0.7')).toBe('en');
	});

	it('takes the URL first, then the saved choice, then the browser', () => {
		expect(chooseLang('en', 'zh-CN', 'zh')).toEqual({ lang: 'en', save: true });
		expect(chooseLang(null, 'en', 'zh')).toEqual({ lang: 'en', save: false });
		expect(chooseLang('xx', undefined, 'en')).toEqual({ lang: 'en', save: false });
		expect(chooseLang(null, 'xx', null)).toEqual({ lang: 'zh-CN', save: false });
	});

	it('interpolates without HTML-escaping (Svelte escapes when rendering)', () => {
		const t = makeT('en', load('en'));
		expect(t('emergency.call', { number: '119', name: 'Fire & rescue' })).toBe('Call 119 (Fire & rescue)');
	});

	it('keeps UI words out of components: no Chinese text in .svelte or .ts outside the message files', () => {
		const offenders = sourceFiles('src')
			.filter(({ code }) => /[\u4e00-\u9fff]/.test(code))
			.map(({ file }) => file);
		// The demo seed's display name is data, not UI.
		expect(offenders.filter((f) => !f.endsWith(path.join('server', 'demo.ts')))).toEqual([]);
	});
});

describe('joinList', () => {
	it('joins names with the Chinese enumeration comma, and with ", " in English (an English page showed "、")', () => {
		expect(joinList('zh-CN', ['古北口镇', '石城镇'])).toBe('古北口镇、石城镇');
		expect(joinList('en', ['Gubeikou Town', 'Shicheng Town'])).toBe('Gubeikou Town, Shicheng Town');
		expect(joinList('en', [])).toBe('');
	});
});
