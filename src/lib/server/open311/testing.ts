/** Test helpers for the Open311 suites: a call as a route would make it, and the XML read back. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { findApiKey } from '../auth/api-keys';
import { ANON, claimsFor, type Identity } from '../auth/identity';
import { asCaller } from '../db/caller';
import type { Database } from '../db/port';
import { RateLimiter } from '../rate-limit';
import { REPORTS_PER_ADDRESS, REPORTS_PER_DEVICE } from '../reports/limits';
import type { Call } from './api';

export function freshLimits(): Call['limits'] {
	return {
		reportsPerAddress: new RateLimiter(REPORTS_PER_ADDRESS.limit, REPORTS_PER_ADDRESS.windowMs),
		reportsPerDevice: new RateLimiter(REPORTS_PER_DEVICE.limit, REPORTS_PER_DEVICE.windowMs)
	};
}

type Options = {
	method?: string;
	identity?: Identity;
	/** Form fields for a POST (form-encoded). */
	form?: Record<string, string>;
	headers?: Record<string, string>;
	limits?: Call['limits'];
	address?: string;
};

/** `path` as under /open311/v2/, e.g. `requests.json?status=open`. */
export function callFor(db: Database, path: string, o: Options = {}): Call {
	const url = new URL(`http://open311.test/open311/v2/${path}`);
	const identity = o.identity ?? ANON;
	const body = o.form ? new URLSearchParams(o.form).toString() : undefined;
	const headers = { ...(o.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...o.headers };
	return {
		request: new Request(url, { method: o.method ?? (o.form ? 'POST' : 'GET'), headers, body }),
		url,
		format: url.pathname.match(/\.([a-z]+)$/)?.[1],
		identity,
		db: (work) => asCaller(db, claimsFor(identity), work),
		findKey: (key) => findApiKey(db, key),
		limits: o.limits ?? freshLimits(),
		clientAddress: o.address ?? '192.0.2.1'
	};
}

const parser = new XMLParser({ ignoreDeclaration: true, isArray: (name) => ['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format'].includes(name), parseTagValue: false });

/** Checks the XML is well-formed and declared UTF-8, then reads it. */
export function readXml(body: string): Record<string, unknown> {
	if (!body.startsWith('<?xml version="1.0" encoding="utf-8"?>')) throw new Error(`no XML declaration: ${body.slice(0, 60)}`);
	const valid = XMLValidator.validate(body);
	if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
	return parser.parse(body) as Record<string, unknown>;
}
