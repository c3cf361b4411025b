/**
 * The app's one inline script: pages that ship no JavaScript (guides, csr = false)
 * register the service worker with it, the way src/lib/pwa.svelte.ts does elsewhere.
 * Plain JavaScript so that svelte.config.js can hash it for the Content-Security-Policy:
 * change it here and the allowed hash follows.
 */
export const REGISTER_SW_SOURCE =
	"if ('serviceWorker' in navigator) navigator.serviceWorker.register('/service-worker.js', { type: 'module' });";
