import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ precompress: true }),
		// workbox-window registers the worker so that it can offer updates (src/lib/pwa).
		serviceWorker: { register: false },
		csrf: { trustedOrigins: [] },
		version: { pollInterval: 0 },
		// Only the offline page is prerendered; its links lead to live pages.
		prerender: { crawl: false, entries: ['/offline'] }
	}
};

export default config;
