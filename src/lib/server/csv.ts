/**
 * The one CSV reader and writer (RFC 4180) for every export a spreadsheet user opens: the shelter
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

/** The one CSV reader, RFC 4180: quoted fields, doubled quotes, CRLF or LF. Returns rows with their line numbers. */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
	const rows: { line: number; cells: string[] }[] = [];
	let cells: string[] = [];
	let cell = '';
	let quoted = false;
	let line = 1;
	let rowLine = 1;
	const src = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < src.length; i++) {
		const c = src[i]!;
		if (quoted) {
			if (c === '"' && src[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (c === '"') quoted = false;
			else {
				if (c === '\n') line++;
				cell += c;
			}
		} else if (c === '"' && cell === '') quoted = true;
		else if (c === ',') {
			cells.push(cell);
			cell = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && src[i + 1] === '\n') i++;
			cells.push(cell);
			if (cells.some((x) => x.trim() !== '')) rows.push({ line: rowLine, cells });
			cells = [];
			cell = '';
			line++;
			rowLine = line;
		} else cell += c;
	}
	cells.push(cell);
	if (cells.some((x) => x.trim() !== '')) rows.push({ line: rowLine, cells });
	return rows;
}

/** A CSV download, dated, never cached (it holds what the caller may read now). */
export function csvAttachment(body: string, name: string): Response {
	const stamp = new Date().toISOString().slice(0, 10);
	return new Response(body, {
		headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}-${stamp}.csv"`, 'cache-control': 'no-store' }
	});
}
