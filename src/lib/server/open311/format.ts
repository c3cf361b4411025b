/**
 * GeoReport v2 answers in the format the path names (`.json` or `.xml`). Both carry
 * the same data: JSON as the spec's arrays, XML as the spec's root element with one
 * child per item and a UTF-8 declaration. Errors are the spec's list of {code, description}.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { xmlChars } from '../xml-text';

export type Format = 'json' | 'xml';
type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** `services.json` → json; anything but json/xml is no format of ours. */
export function parseFormat(raw: string | undefined): Format | null {
	return raw === 'json' || raw === 'xml' ? raw : null;
}

/** The format of a path under /open311/, for errors raised before a route runs; XML is the spec's required one. */
export function formatOfPath(pathname: string): Format {
	return pathname.endsWith('.json') ? 'json' : 'xml';
}

/** A request the spec says to refuse: the status and what to tell the client (one line per problem). */
export class Open311Error extends Error {
	readonly descriptions: string[];
	constructor(
		readonly status: number,
		description: string | string[],
		readonly headers: Record<string, string> = {}
	) {
		const descriptions = typeof description === 'string' ? [description] : description;
		super(descriptions.join('; '));
		this.descriptions = descriptions;
		this.name = 'Open311Error';
	}
}

const builder = new XMLBuilder({ format: true, suppressEmptyNode: false });


/**
 * JSON lists become XML elements named by their item (`attributes` → `<attribute>`,
 * `values` → `<value>`), as the spec's XML examples have them.
 */
const ITEM_OF: Record<string, string> = { attributes: 'attribute', values: 'value', endpoints: 'endpoint', formats: 'format' };

function toXml(value: Value, key = ''): unknown {
	if (value === null) return '';
	if (typeof value === 'string') return xmlChars(value);
	if (Array.isArray(value)) return { [ITEM_OF[key] ?? 'item']: value.map((v) => toXml(v)) };
	if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toXml(v, k)]));
	return String(value);
}

function respond(format: Format, json: Value, xml: unknown, status: number, headers: Record<string, string>): Response {
	if (format === 'json') {
		return new Response(JSON.stringify(json), { status, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } });
	}
	return new Response(`<?xml version="1.0" encoding="utf-8"?>\n${builder.build(xml) as string}`, {
		status,
		headers: { ...headers, 'content-type': 'text/xml; charset=utf-8' }
	});
}

/** A list: a JSON array, or `<root><item>…</item>…</root>`. */
export function render(format: Format, root: string, item: string, rows: Value[], status = 200, headers: Record<string, string> = {}): Response {
	return respond(format, rows, { [root]: { [item]: rows.map((r) => toXml(r)) } }, status, headers);
}

/** One object: a JSON object, or `<root>…</root>` (the spec's service definition). */
export function renderOne(format: Format, root: string, value: { [key: string]: Value }): Response {
	return respond(format, value, { [root]: toXml(value) }, 200, {});
}

export function renderError(format: Format, error: Open311Error, headers: Record<string, string> = {}): Response {
	const rows = error.descriptions.map((description) => ({ code: error.status, description }));
	return render(format, 'errors', 'error', rows, error.status, { ...error.headers, ...headers });
}

/** For the hooks: the spec's error for a path under /open311/, readable from any origin. */
export function refuse(pathname: string, status: number, description: string, headers: Record<string, string> = {}): Response {
	return renderError(formatOfPath(pathname), new Open311Error(status, description, headers), { 'access-control-allow-origin': '*' });
}
