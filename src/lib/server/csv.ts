/**
 * The one CSV writer (RFC 4180) for every export a spreadsheet user opens: the shelter
 * registry, an event's volunteers. A text cell starting with = + - @ (or a tab or
 * carriage return) would run as a formula in Excel/WPS — a note such as
 * `=HYPERLINK("http://evil", "…")` — so it gets a leading apostrophe. Plain numbers
 * (`-3.5`, `+86…`) stay as they are: they are no formula, and the import reads them back.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

export function csvCell(value: unknown): string {
	let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
	if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A byte-order mark first, so Excel opens UTF-8 Chinese correctly. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
	return '\uFEFF' + [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
