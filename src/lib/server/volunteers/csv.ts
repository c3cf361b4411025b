/**
 * CSV (RFC 4180) for spreadsheet users. A cell starting with = + - @ (or a tab or
 * carriage return) would run as a formula in Excel/WPS: it gets a leading apostrophe.
 */
export function csvCell(value: unknown): string {
	let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A byte-order mark first, so Excel opens UTF-8 Chinese correctly. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
	return '\uFEFF' + [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
