/** Translations per route group: residents' pages carry no staff words; the console has them all. */
import { describe, expect, it } from 'vitest';
import { bundleFor, loadMessages } from './bundles';
import { LANGS } from './index';

describe('translation bundles', () => {
	it('names the bundle by route group', () => {
		expect(bundleFor('/')).toBe('public');
		expect(bundleFor('/warnings/[id]')).toBe('public');
		expect(bundleFor('/volunteer/events/[id]')).toBe('volunteer');
		expect(bundleFor('/console')).toBe('console');
		expect(bundleFor('/consoles')).toBe('public');
	});

	it.each(LANGS)('%s: the public bundle leaves out volunteer, SMS text and Open311 words; the console has every group', async (lang) => {
		const pub = await loadMessages(lang, 'public');
		const volunteer = await loadMessages(lang, 'volunteer');
		const all = await loadMessages(lang, 'console');
		expect(Object.keys(pub)).toEqual(expect.arrayContaining(['app', 'nav', 'warnings', 'hazards', 'levels', 'shelters', 'scenic', 'guides', 'errors']));
		for (const group of ['volunteer', 'sms_texts', 'open311']) expect(pub).not.toHaveProperty(group);
		expect(volunteer).toHaveProperty('volunteer');
		expect(Object.keys(all).length).toBeGreaterThan(Object.keys(volunteer).length);
		// The public bundle now carries /map's words too; staff-only files stay out (asserted above).
		expect(JSON.stringify(pub).length).toBeLessThan(JSON.stringify(all).length * 0.88);
	});
});
