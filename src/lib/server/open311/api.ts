/**
 * The GeoReport v2 methods as plain functions of one call, so the routes stay one line
 * each and the tests run them on a real database without a server. Every refusal is
 * the spec's error list in the path's format; GETs are open to any origin (civic tools
 * read them from browsers), POST is not (a key does not belong in a web page).
 */
import { isHttpError } from '@sveltejs/kit';
import type { Lang } from '$lib/i18n';
import type { ApiKeyIdentity } from '../auth/api-keys';
import type { Identity } from '../auth/identity';
import type { Queryable } from '../db/port';
import { readForm } from '../http';
import { TEXT_UNSTORABLE, unstorableMessage } from '../unstorable-text';
import { authorize, fieldsFrom, fileRequest, type Limits } from './file';
import { Open311Error, parseFormat, refuse, render, renderError, renderOne, type Format } from './format';
import { findRequests, mediaPhoto, parseFilters, requestForToken } from './requests';
import { discovery, requestLang, serviceDefinition, serviceList, translator } from './services';
import { mediaType } from '../media-type';

export type Call = {
	request: Request;
	url: URL;
	/** The extension in the path: json or xml. */
	format: string | undefined;
	identity: Identity;
	db: <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>;
	findKey: (key: string) => Promise<ApiKeyIdentity | null>;
	limits: Limits;
	clientAddress: string;
};

const CORS = { 'access-control-allow-origin': '*', vary: 'accept-language' };

type Work = (format: Format, lang: Lang) => Promise<Response>;

async function answer(call: Call, work: Work): Promise<Response> {
	const format = parseFormat(call.format);
	const cors: Record<string, string> = call.request.method === 'GET' ? CORS : {};
	if (!format) return renderError('xml', new Open311Error(404, `no format "${call.format ?? ''}": use .json or .xml`), cors);
	try {
		const response = await work(format, requestLang(call.url.searchParams, call.request.headers.get('accept-language')));
		for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
		return response;
	} catch (error) {
		if (error instanceof Open311Error) return renderError(format, error, cors);
		throw error;
	}
}

export const discover = (call: Call) => answer(call, async (format, lang) => renderOne(format, 'discovery', discovery(call.url.origin, lang)));

export const services = (call: Call) =>
	answer(call, async (format, lang) => render(format, 'services', 'service', await call.db((tx) => serviceList(tx, lang))));

export const serviceDefinitionOf = (call: Call, code: string) =>
	answer(call, async (format) => {
		const definition = await call.db((tx) => serviceDefinition(tx, code));
		if (!definition) throw new Open311Error(404, `service_code "${code}" is not a service here (see services.${format})`);
		return renderOne(format, 'service_definition', definition);
	});

export const requests = (call: Call) =>
	answer(call, async (format, lang) => {
		const filters = parseFilters(call.url.searchParams);
		const found = await call.db((tx) => findRequests(tx, filters, lang, call.url.origin));
		return render(format, 'service_requests', 'request', found);
	});

export const requestById = (call: Call, id: string) =>
	answer(call, async (format, lang) => {
		const found = await call.db((tx) => findRequests(tx, { tickets: [id] }, lang, call.url.origin));
		if (!found.length) throw new Open311Error(404, `service_request_id "${id}" was not found`);
		return render(format, 'service_requests', 'request', found);
	});

export const token = (call: Call, value: string) =>
	answer(call, async (format) => {
		const found = await call.db((tx) => requestForToken(tx, value));
		if (!found) throw new Open311Error(404, 'token was not found');
		return render(format, 'service_requests', 'request', [found]);
	});

/** The spec's POST body is form-encoded; multipart is taken too (the same fields). */
async function formOf(request: Request): Promise<FormData> {
	const type = mediaType(request);
	if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') {
		throw new Open311Error(400, 'send the parameters as application/x-www-form-urlencoded (or multipart/form-data)');
	}
	let form: FormData | null;
	try {
		form = await readForm(request);
	} catch (e) {
		if (isHttpError(e) && e.body.message === TEXT_UNSTORABLE) throw new Open311Error(400, unstorableMessage(e.body.field ?? 'body'));
		throw e;
	}
	if (!form) throw new Open311Error(400, 'the body could not be read as form parameters (a broken or truncated body)');
	return form;
}

export const create = (call: Call) =>
	answer(call, async (format, lang) => {
		const form = await formOf(call.request);
		const apiKey = String(form.get('api_key') ?? call.url.searchParams.get('api_key') ?? '').trim() || null;
		const key = await authorize(call.identity, apiKey, call.findKey);
		// The spec's POST carries every parameter in the body, locale too.
		const asked = String(form.get('locale') ?? form.get('lang') ?? '');
		const t = translator(asked ? requestLang(new URLSearchParams({ locale: asked }), null) : lang);
		const fields = await call.db((tx) => fieldsFrom(tx, form));
		const limit = { limits: call.limits, address: call.clientAddress, keyId: key.id, deviceId: String(form.get('device_id') ?? '').trim() };
		const created = await fileRequest(call.db, fields, t, limit);
		return render(format, 'service_requests', 'request', [created], 201);
	});

/** media_url: the photo bytes; not cached for long, so a redaction takes effect soon. */
export async function media(call: Call, id: string): Promise<Response> {
	const photo = await call.db((tx) => mediaPhoto(tx, id));
	if (!photo) return renderError('json', new Open311Error(404, `media ${id} was not found`), CORS);
	return new Response(new Uint8Array(photo.bytes), {
		headers: { ...CORS, 'content-type': photo.content_type, 'cache-control': 'public, max-age=300' }
	});
}

/** A known path with a method it does not take (405, with Allow). */
export const notAllowed =
	(allow: string) =>
	({ request, url }: { request: Request; url: URL }) =>
		refuse(url.pathname, 405, `${url.pathname} takes ${allow}, not ${request.method}`, { allow });
