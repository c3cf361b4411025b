/**
 * A drill has one name in the public UI: 演习 in Chinese, "drill" in English. Residents
 * saw "演练" on /alerts and "演习" on warnings and could not tell whether they were one thing
 * (an outside tester's finding). The assistant's own word lists are not UI and stay out.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCALES = join(process.cwd(), 'src/lib/i18n/locales');
const textOf = (lang: string) =>
	readdirSync(join(LOCALES, lang))
		.filter((f) => f.endsWith('.json') && f !== 'assistant.json')
		.map((f) => [f, readFileSync(join(LOCALES, lang, f), 'utf8')] as const);

describe('one word for a drill', () => {
	it('Chinese says 演习, never 演练 (UI words and the demo volunteer events)', () => {
		const files = [...textOf('zh-CN'), ['demo-events.json', readFileSync(join(process.cwd(), 'src/lib/server/volunteers/demo-events.json'), 'utf8')] as const];
		const offending = files.flatMap(([f, text]) => (text.match(/.{0,12}演练.{0,6}/g) ?? []).map((m) => `${f}: ${m}`));
		expect(offending).toEqual([]);
		expect(files.some(([, text]) => text.includes('演习'))).toBe(true);
	});

	it('English says drill, never exercise, where residents read it', () => {
		const values = (node: unknown): string[] => (typeof node === 'string' ? [node] : node && typeof node === 'object' ? Object.values(node).flatMap(values) : []);
		const offending = textOf('en').flatMap(([f, text]) =>
			values(JSON.parse(text))
				// The CAP status name may still be named where staff pick it ("Drill (CAP Exercise)").
				.filter((v) => /exercise/i.test(v) && !/CAP/.test(v))
				.map((v) => `${f}: ${v}`)
		);
		expect(offending).toEqual([]);
	});
});
