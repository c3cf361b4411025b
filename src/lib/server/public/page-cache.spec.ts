/** Kept public pages: the same for everyone, never a signed-in person's; compressed once; dropped on a new version. */
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { compress, pickEncoding } from './compress';
import fs from 'node:fs';
import path from 'node:path';
import { isPublicPagePath, PageCache, PRIVATE_CACHE_CONTROL, PUBLIC_CACHE_CONTROL } from './page-cache';

type Who = { kind: 'anon' } | { kind: 'staff'; email: string };

function event(path: string, opts: { who?: Who; cookies?: Record<string, string>; headers?: Record<string, string>; volunteer?: object; data?: boolean } = {}) {
	const url = new URL(`http://app.test${path}`);
	return {
		request: new Request(url, { headers: { 'accept-encoding': 'gzip, br', ...opts.headers } }),
		url,
		isDataRequest: opts.data ?? false,
		cookies: { get: (name: string) => opts.cookies?.[name], getAll: () => Object.entries(opts.cookies ?? {}).map(([name, value]) => ({ name, value })) },
		locals: { lang: 'zh-CN', identity: opts.who ?? { kind: 'anon' }, volunteer: opts.volunteer ?? null }
	} as unknown as RequestEvent;
}

/** A page that names who asked and counts its renderings. */
function renderer() {
	let renders = 0;
	const resolve = async (e: RequestEvent) => {
		renders++;
		const who = e.locals.identity.kind === 'staff' ? e.locals.identity.email : 'everyone';
		return new Response(`<p>${who} ${'x'.repeat(2000)} ${renders}</p>`, { headers: { 'content-type': 'text/html' } });
	};
	return { resolve: resolve as never, renders: () => renders };
}

describe('the public page cache', () => {
	it('renders a public page once per version, compressed, with an ETag per encoding and CDN headers', async () => {
		let version = 'v1';
		const cache = new PageCache(async () => version);
		const page = renderer();
		const first = await cache.handle({ event: event('/warnings'), resolve: page.resolve });
		const second = await cache.handle({ event: event('/warnings', { headers: { 'accept-encoding': 'gzip' } }), resolve: page.resolve });
		const plain = await cache.handle({ event: event('/warnings', { headers: { 'accept-encoding': 'identity' } }), resolve: page.resolve });
		expect(page.renders()).toBe(1);
		expect(first.headers.get('content-encoding')).toBe('br');
		expect(second.headers.get('content-encoding')).toBe('gzip');
		expect(plain.headers.get('content-encoding')).toBeNull();
		const text = await plain.text();
		expect(brotliDecompressSync(Buffer.from(await first.arrayBuffer())).toString()).toBe(text);
		expect(gunzipSync(Buffer.from(await second.arrayBuffer())).toString()).toBe(text);
		expect(first.headers.get('cache-control')).toBe(PUBLIC_CACHE_CONTROL);
		expect(first.headers.get('vary')).toMatch(/Accept-Encoding/);
		expect(new Set([first, second, plain].map((r) => r.headers.get('etag'))).size).toBe(3);

		version = 'v2';
		await cache.handle({ event: event('/warnings'), resolve: page.resolve });
		expect(page.renders()).toBe(2);
		// A page and its __data.json are kept apart.
		await cache.handle({ event: event('/warnings', { data: true }), resolve: page.resolve });
		expect(page.renders()).toBe(3);
	});

	it('never keeps or serves a kept page to anyone signed in, or with a credential', async () => {
		const cache = new PageCache(async () => 'v1');
		const page = renderer();
		await cache.handle({ event: event('/'), resolve: page.resolve });
		const staff = await cache.handle({ event: event('/', { who: { kind: 'staff', email: 'issuer@test.cn' }, cookies: { sm_session: 't' } }), resolve: page.resolve });
		expect(await staff.text()).toMatch(/issuer@test.cn/);
		expect(staff.headers.get('cache-control')).toBe(PRIVATE_CACHE_CONTROL);
		for (const asked of [
			event('/', { cookies: { sm_session: 'expired' } }),
			event('/', { cookies: { sm_volunteer: 'x' } }),
			event('/', { headers: { authorization: 'Bearer k' } }),
			event('/', { volunteer: { userId: 'u' } }),
			// an expired session the identity hook has just cleared: still its own answer (the cookie goes)
			event('/', { headers: { cookie: 'sm_session=expired' } }),
			// Supabase: only the refresh token left (the access token's cookie has lapsed)
			event('/', { headers: { cookie: 'sm_refresh=r' } })
		]) {
			const response = await cache.handle({ event: asked, resolve: page.resolve });
			expect(response.headers.get('cache-control')).not.toBe(PUBLIC_CACHE_CONTROL);
		}
		expect(page.renders()).toBe(8);
		// …and the anonymous page kept before shows nobody's name.
		const anon = await cache.handle({ event: event('/', { headers: { 'accept-encoding': 'identity' } }), resolve: page.resolve });
		expect(await anon.text()).toMatch(/everyone/);
		expect(page.renders()).toBe(8);
	});

	it('staff and volunteer pages are never kept and say private, no-store', async () => {
		const cache = new PageCache(async () => 'v1');
		const page = renderer();
		for (const path of ['/console/sign-in', '/volunteer', '/volunteer/me', '/report/MY-123', '/shelters?town=110118101', '/warnings?lang=en']) {
			await cache.handle({ event: event(path), resolve: page.resolve });
			await cache.handle({ event: event(path), resolve: page.resolve });
		}
		expect(page.renders()).toBe(12);
		const console = await cache.handle({ event: event('/console/sign-in'), resolve: page.resolve });
		expect(console.headers.get('cache-control')).toBe(PRIVATE_CACHE_CONTROL);
		expect(cache.size).toBe(0);
	});

	it('every answer not kept as public says private, no-store unless its route chose (an outside tester’s finding: /report and /safe carried a private token with no Cache-Control)', async () => {
		const cache = new PageCache(async () => 'v1');
		const page = (headers: Record<string, string> = {}) =>
			(async () => new Response('<input name="token" value="secret">', { headers: { 'content-type': 'text/html', ...headers } })) as never;
		for (const path of ['/report', '/safe?s=help', '/safe/lookup', '/assistant', '/api/subscriptions/x']) {
			const response = await cache.handle({ event: event(path, { cookies: { sm_device: crypto.randomUUID() } }), resolve: page() });
			expect(response.headers.get('cache-control'), path).toBe(PRIVATE_CACHE_CONTROL);
		}
		// a route's own choice stands where it reads nothing of the device's (the CAP feed)
		const feed = await cache.handle({ event: event('/cap/feed.atom'), resolve: page({ 'cache-control': 'public, max-age=30' }) });
		expect(feed.headers.get('cache-control')).toBe('public, max-age=30');
	});

	it('a public page whose render reads a cookie is neither kept nor public; the language cookie is part of the key', async () => {
		const cache = new PageCache(async () => 'v1');
		let renders = 0;
		const readsDevice = (async (e: RequestEvent) => {
			renders++;
			return new Response(`<p>${e.cookies.get('sm_device') ?? 'none'} ${'x'.repeat(2000)}</p>`, { headers: { 'content-type': 'text/html', 'cache-control': 'public, max-age=60' } });
		}) as never;
		for (let i = 0; i < 2; i++) {
			const response = await cache.handle({ event: event('/shelters', { cookies: { sm_device: 'd1' } }), resolve: readsDevice });
			expect(response.headers.get('cache-control')).toBe(PRIVATE_CACHE_CONTROL);
			expect(response.headers.get('etag')).toBeNull();
		}
		expect(renders).toBe(2);
		expect(cache.size).toBe(0);
		const readsLang = (async (e: RequestEvent) => new Response(`<p>${e.cookies.get('lang')} ${'x'.repeat(2000)}</p>`, { headers: { 'content-type': 'text/html' } })) as never;
		const kept = await cache.handle({ event: event('/shelters', { cookies: { lang: 'en' } }), resolve: readsLang });
		expect(kept.headers.get('cache-control')).toBe(PUBLIC_CACHE_CONTROL);
	});

	it('keeps no error page: each request renders its own', async () => {
		const cache = new PageCache(async () => 'v1');
		let renders = 0;
		const failing = (async () => (renders++, new Response('not found', { status: 404, headers: { 'content-type': 'text/html' } }))) as never;
		expect((await cache.handle({ event: event('/guides/nope'), resolve: failing })).status).toBe(404);
		expect((await cache.handle({ event: event('/guides/nope'), resolve: failing })).status).toBe(404);
		expect(renders).toBe(2);
		expect(cache.size).toBe(0);
	});
});

describe('compression', () => {
	it('picks brotli, then gzip, as the client accepts them', () => {
		expect(pickEncoding('gzip, deflate, br', { br: true, gzip: true })).toBe('br');
		expect(pickEncoding('gzip, br;q=0', { br: true, gzip: true })).toBe('gzip');
		expect(pickEncoding('*', { br: false, gzip: true })).toBe('gzip');
		expect(pickEncoding(null, { br: true, gzip: true })).toBe('identity');
		expect(pickEncoding('identity', { br: true, gzip: true })).toBe('identity');
	});

	it('gzips other text answers as they stream, but never an event stream', async () => {
		const big = JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ i })) });
		const json = (await compress({
			event: event('/console/reports'),
			resolve: (async () => new Response(big, { headers: { 'content-type': 'application/json', etag: '"abc"' } })) as never
		})) as Response;
		expect(json.headers.get('content-encoding')).toBe('gzip');
		expect(json.headers.get('etag')).toBe('"abc-gzip"');
		expect(gunzipSync(Buffer.from(await json.arrayBuffer())).toString()).toBe(big);
		const stream = (await compress({
			event: event('/warnings/events'),
			resolve: (async () => new Response(new ReadableStream(), { headers: { 'content-type': 'text/event-stream' } })) as never
		})) as Response;
		expect(stream.headers.get('content-encoding')).toBeNull();
	});

	it('gzips a small answer of known length at once, with its compressed length', async () => {
		const body = JSON.stringify({ shelters: Array.from({ length: 60 }, (_, i) => ({ id: i, name: '鼓楼街道应急避难场所' })) });
		const bytes = new TextEncoder().encode(body);
		const json = (await compress({
			event: event('/api/shelters/nearest'),
			resolve: (async () => new Response(bytes, { headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) } })) as never
		})) as Response;
		expect(json.headers.get('content-encoding')).toBe('gzip');
		const zipped = Buffer.from(await json.arrayBuffer());
		expect(Number(json.headers.get('content-length'))).toBe(zipped.length);
		expect(zipped.length).toBeLessThan(bytes.length);
		expect(gunzipSync(zipped).toString()).toBe(body);
	});
});

describe('the routes', () => {
	it('no route declared public reads a cookie on the server, nor any layout above it (walks src/routes)', () => {
		const sample = (segment: string) => (segment.startsWith('[') ? (/id/.test(segment) ? crypto.randomUUID() : 'x') : segment);
		const problems: string[] = [];
		let publicRoutes = 0;
		const walk = (dir: string, parts: string[], above: string[]) => {
			const entries = fs.readdirSync(dir, { withFileTypes: true });
			const mine = entries.filter((e) => e.isFile() && /^\+(page|layout)\.server\.ts$/.test(e.name)).map((e) => path.join(dir, e.name));
			const layouts = [...above, ...mine.filter((f) => f.includes('+layout'))];
			const urlPath = '/' + parts.filter((p) => !p.startsWith('(')).map(sample).join('/');
			if (entries.some((e) => e.name === '+page.svelte') && isPublicPagePath(urlPath)) {
				publicRoutes++;
				for (const file of [...layouts, ...mine]) if (/\bcookies\b/.test(fs.readFileSync(file, 'utf8'))) problems.push(`${urlPath}: ${file}`);
			}
			for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name), [...parts, e.name], layouts);
		};
		walk('src/routes', [], []);
		expect(publicRoutes).toBeGreaterThan(5);
		expect(problems).toEqual([]);
	});
});
