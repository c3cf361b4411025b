/**
 * The service worker, seen from the page: registered through workbox-window so the
 * page learns when a new version is waiting and can offer to switch to it, and
 * whether the device is online.
 */
import { dev } from '$app/environment';

export class Pwa {
	updateReady = $state(false);
	online = $state(true);
	#apply: (() => void) | null = null;

	/** Call once from the root layout, in the browser. */
	async start(): Promise<() => void> {
		this.online = navigator.onLine;
		const on = () => (this.online = true);
		const off = () => (this.online = false);
		window.addEventListener('online', on);
		window.addEventListener('offline', off);
		const stop = () => {
			window.removeEventListener('online', on);
			window.removeEventListener('offline', off);
		};
		// Vite's dev server serves modules, not the built worker.
		if (dev || !('serviceWorker' in navigator)) return stop;

		const { Workbox } = await import('workbox-window');
		const wb = new Workbox('/service-worker.js', { type: 'module' });
		wb.addEventListener('waiting', () => {
			this.#apply = () => {
				wb.addEventListener('controlling', () => window.location.reload());
				wb.messageSkipWaiting();
			};
			this.updateReady = true;
		});
		await wb.register();
		return stop;
	}

	applyUpdate() {
		this.#apply?.();
	}

	dismiss() {
		this.updateReady = false;
	}
}
