import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv';

describe('CSV export', () => {
	it.each(['=HYPERLINK("http://evil")', '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('neutralises a formula: %j', (value) => {
		const cell = csvCell(value);
		expect(cell.replace(/^"/, '')).toMatch(/^'/);
	});

	it('quotes commas, quotes and line breaks, and keeps ordinary text as it is', () => {
		expect(csvCell('张三')).toBe('张三');
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('two\nlines')).toBe('"two\nlines"');
		expect(csvCell(null)).toBe('');
		expect(csvCell(3.5)).toBe('3.5');
		expect(csvCell('13912345678')).toBe('13912345678');
	});

	it('leaves plain numbers alone: they are no formula, and the import reads them back', () => {
		expect(csvCell('-3.5')).toBe('-3.5');
		expect(csvCell(-3.5)).toBe('-3.5');
		expect(csvCell('+8613912345678')).toBe('+8613912345678');
		expect(csvCell('-3.5+cmd')).toBe("'-3.5+cmd");
	});

	it('writes a BOM, a header and CRLF rows', () => {
		expect(toCsv(['name', 'phone'], [['=cmd', '139']])).toBe("\uFEFFname,phone\r\n'=cmd,139\r\n");
	});
});
