import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAZARD_CODES, HAZARDS, LEVEL_COLOURS, WARNING_LEVELS } from './hazards';

/** WCAG relative luminance contrast of two #rrggbb colours. */
function contrast(a: string, b: string): number {
	const lum = (hex: string) => {
		const [r, g, bl] = [1, 3, 5].map((i) => {
			const c = parseInt(hex.slice(i, i + 2), 16) / 255;
			return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
		});
		return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
	};
	const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
	return (hi! + 0.05) / (lo! + 0.05);
}

describe('hazard catalogue', () => {
	it('has the 14 meteorological signals and the district’s 7 other hazards', () => {
		expect(HAZARDS.filter((h) => h.meteorological)).toHaveLength(14);
		expect(HAZARD_CODES).toHaveLength(21);
	});

	it('has a guide for every hazard in both languages', () => {
		for (const code of HAZARD_CODES) {
			for (const lang of ['zh-CN', 'en']) expect(fs.existsSync(`content/${lang}/guides/${code}.md`), `${lang}/${code}`).toBe(true);
		}
	});

	it('level colours keep text readable (WCAG AA, 4.5:1)', () => {
		for (const level of WARNING_LEVELS) {
			const { background, text } = LEVEL_COLOURS[level];
			expect(contrast(background, text), level).toBeGreaterThanOrEqual(4.5);
		}
	});
});
