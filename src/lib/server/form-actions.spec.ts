/**
 * Two request-shape findings of an outside tester: `?/default` on a form page was a 500
 * (SvelteKit throws for its reserved name), and media types were compared case-sensitively
 * (`Application/JSON` → 415) where RFC 9110 makes them case-insensitive.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { actionName, reservedAction } from './form-actions';
import { mediaType } from './media-type';

const event = (method: string, url: string) => ({ request: new Request(url, { method }), url: new URL(url) }) as RequestEvent;
const resolve = async () => new Response('the page');

describe('?/default', () => {
	it('is a 404 with a body in both languages, on every form page, before SvelteKit throws', async () => {
		for (const page of ['/safe/lookup', '/report', '/safe', '/assistant', '/volunteer/sign-in', '/console/sign-in']) {
			const response = await reservedAction({ event: event('POST', `http://x${page}?/default`), resolve });
			expect(response.status, page).toBe(404);
			expect(await response.text()).toMatch(/default[\s\S]*default/);
		}
	});

	it('lets named actions, plain posts and reads through', async () => {
		for (const [method, url] of [['POST', 'http://x/safe?/safe'], ['POST', 'http://x/report'], ['GET', 'http://x/safe?/default'], ['POST', 'http://x/a?x=1&/submit&/default']]) {
			expect(await (await reservedAction({ event: event(method!, url!), resolve })).text()).toBe('the page');
		}
		expect(actionName(new URL('http://x/?a=1&/default'))).toBe('default');
	});
});

describe('media types', () => {
	it('are compared without case and without parameters', () => {
		const type = (t: string) => mediaType(new Request('http://x/', { method: 'POST', body: '', headers: { 'content-type': t } }));
		expect(type('Application/JSON; charset=UTF-8')).toBe('application/json');
		expect(type(' Multipart/Form-Data ; boundary=x')).toBe('multipart/form-data');
		expect(mediaType(new Request('http://x/'))).toBe('');
	});

	it('no route reads the content type by itself (one comparison, in media-type.ts)', () => {
		const offenders: string[] = [];
		const walk = (dir: string) => {
			for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
				const file = path.join(dir, entry.name);
				if (entry.isDirectory()) walk(file);
				else if (/\.ts$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name)) {
					const text = fs.readFileSync(file, 'utf8');
					if (/request\.headers\.get\('content-type'\)(?!!)/.test(text) && !file.endsWith('media-type.ts') && !file.endsWith('field-limit.ts')) offenders.push(file);
				}
			}
		};
		walk('src');
		expect(offenders).toEqual([]);
	});
});
