import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { bodyLimit, readAtMost, SMALL_BODY_BYTES, takesPhotos } from './uploads';

describe('which routes take large bodies', () => {
	it('only the report form, the reports API and a report in the console, by matched route', () => {
		expect(['/report', '/api/reports', '/console/reports/[id]', '/assistant'].every(takesPhotos)).toBe(true);
		expect(['/console/sign-in', '/report/[ticket]', '/api/me', '/console/reports/photo/[id]', null].some(takesPhotos)).toBe(false);
	});
});

/** A body sent in chunks, with no Content-Length (Transfer-Encoding: chunked). */
function chunked(total: number, chunk = 64 * 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
	let sent = 0;
	const stream = new ReadableStream<Uint8Array>({
		pull(controller) {
			if (sent >= total) return controller.close();
			const n = Math.min(chunk, total - sent);
			sent += n;
			controller.enqueue(new Uint8Array(n).fill(120));
		}
	});
	return { stream, pulled: () => sent };
}

function run(routeId: string | null, body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) {
	const request = new Request('http://localhost/api/subscriptions', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
	const event = { request, route: { id: routeId }, url: new URL(request.url) } as unknown as RequestEvent;
	let seen: Request | null = null;
	const resolve = async (e: RequestEvent) => {
		seen = e.request;
		return new Response(await e.request.text());
	};
	return { response: bodyLimit({ event, resolve } as Parameters<typeof bodyLimit>[0]), seen: () => seen };
}

describe('the small body limit, on the stream', () => {
	it('refuses a chunked body past 512 KB with 413; the rest is read and dropped, not cancelled (that reset the socket: oversize.spec.ts)', async () => {
		const { stream } = chunked(34 * 1024 * 1024);
		const { response, seen } = run('/api/subscriptions', stream);
		const res = await response;
		expect(res.status).toBe(413);
		expect((await res.json()).error).toMatch(/larger than 524288 bytes/);
		expect(seen()).toBeNull();
	});

	it('hands a small chunked body on whole', async () => {
		const { stream } = chunked(100_000);
		const res = await run('/api/subscriptions', stream).response;
		expect(res.status).toBe(200);
		expect((await res.text()).length).toBe(100_000);
	});

	it('still refuses by Content-Length, and leaves photo routes to the global limit', async () => {
		expect((await run('/api/me', 'x', { 'content-length': String(SMALL_BODY_BYTES + 1) }).response).status).toBe(413);
		const { stream } = chunked(SMALL_BODY_BYTES + 100_000);
		expect((await run('/api/reports', stream).response).status).toBe(200);
	});

	it('readAtMost stops at the limit', async () => {
		expect(await readAtMost(chunked(10).stream, 10)).toHaveLength(10);
		expect(await readAtMost(chunked(11).stream, 10)).toBeNull();
	});
});
