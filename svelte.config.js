import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

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
		// Only the offline page and the guides' offline search index are prerendered; the
		// offline page's links lead to live pages.
		prerender: { crawl: false, entries: ['/offline', '/guides/search-zh-CN.json', '/guides/search-en.json'] }
	}
};

export default config;
