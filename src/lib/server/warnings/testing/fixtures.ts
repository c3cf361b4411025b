/** Inputs for the warnings tests: a red rainstorm over two townships with sourced seats. */
import fs from 'node:fs';
import type { WarningInput } from '../model';
import texts from './texts.json';

// The CAP document with {{placeholders}}; its Chinese text lives in the .xml, not in code.
const TEMPLATE = fs.readFileSync(new URL('./cap-alert.xml', import.meta.url), 'utf8');

export const TWO_TOWNS = ['110118101', '110118106'] as const; // 溪翁庄镇, 穆家峪镇

export function rainstorm(overrides: Partial<WarningInput> = {}): WarningInput {
	const now = Date.now();
	return {
		status: 'Actual',
		hazard: 'rainstorm',
		level: 'red',
		urgency: 'Immediate',
		certainty: 'Likely',
		responseType: 'Shelter',
		effective: new Date(now - 60_000),
		onset: null,
		expires: new Date(now + 6 * 3600_000),
		web: null,
		contact: '010-69000000',
		parameters: [],
		areas: TWO_TOWNS.map((code) => ({ kind: 'geocode' as const, code })),
		infos: [
			{ lang: 'zh-CN', event: texts.event, headline: texts.headline, description: texts.description, instruction: texts.instruction, senderName: texts.senderName, areaDesc: '' },
			{ lang: 'en', event: 'Rainstorm', headline: 'Red rainstorm warning', description: 'Over 100 mm of rain expected within 3 hours.', instruction: 'Move to safe ground now.', senderName: 'Miyun District Meteorological Bureau', areaDesc: '' }
		],
		...overrides
	};
}

/** A CAP 1.2 alert as an upstream platform might send it (times relative to now). */
export function capAlert(opts: { identifier?: string; msgType?: 'Alert' | 'Update' | 'Cancel'; references?: string; level?: string; status?: string } = {}): string {
	const t = (ms: number) => `${new Date(Date.now() + ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
	const values: Record<string, string> = {
		identifier: opts.identifier ?? '11000041600000_20260721140000',
		past: t(-60_000),
		later: t(12 * 3600_000),
		status: opts.status ?? 'Actual',
		msgType: opts.msgType ?? 'Alert',
		references: opts.references ? `<references>${opts.references}</references>` : '',
		level: opts.level ?? texts.orange
	};
	return TEMPLATE.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name]!);
}
