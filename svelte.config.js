import { createHash } from 'node:crypto';
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { REGISTER_SW_SOURCE } from './src/lib/pwa-register.js';

const sha256 = (text) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ precompress: true }),
		// workbox-window registers the worker so that it can offer updates (src/lib/pwa).
		serviceWorker: { register: false },
		// The cross-site form check is the `csrf` hook's (src/lib/server/csrf.ts): SvelteKit's own
		// refuses server-side Open311 clients, which send no Origin.
		csrf: { trustedOrigins: ['*'] },
		version: { pollInterval: 0 },
		// Absolute asset paths: the service worker answers any URL it has never seen with the
		// prerendered /offline page, and that page's relative `./_app/…` paths resolved against
		// a nested URL (/warnings/…/_app/…) failed to load its scripts offline.
		paths: { relative: false },
		// Content-Security-Policy: SvelteKit adds the hashes of its own inline scripts
		// (hydration) to script-src; the only other inline script is the service worker
		// registration of pages without JavaScript, allowed by its hash. Styles stay
		// 'unsafe-inline' (Svelte sets style attributes); no other origin is needed.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', sha256(REGISTER_SW_SOURCE)],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		},
		// Only the offline page and the guides' offline search index are prerendered; the
		// offline page's links lead to live pages.
		prerender: { crawl: false, entries: ['/offline', '/guides/search-zh-CN.json', '/guides/search-en.json'] }
	}
};

export default config;
