/**
 * A small record kept in this browser's localStorage, never sent to the server: the kit
 * checklist and the family plan are private and must work offline. Values from storage
 * are checked before use, since another version of the app (or a person) may have
 * written something else there.
 */
export class DeviceRecord<T extends object> {
	value: T = $state() as T;
	/** when it was last saved on this device (ISO time), or null */
	savedAt: string | null = $state(null);
	/** storage refused the write (private mode, full) */
	failed = $state(false);
	#key: string;
	#empty: () => T;
	#accept: (stored: unknown) => T | null;

	constructor(key: string, empty: () => T, accept: (stored: unknown) => T | null) {
		this.#key = key;
		this.#empty = empty;
		this.#accept = accept;
		this.value = empty();
	}

	/** Call from the browser only (an effect): reads what an earlier visit saved. */
	load(): void {
		try {
			const stored = JSON.parse(localStorage.getItem(this.#key) ?? 'null') as { value?: unknown; savedAt?: unknown } | null;
			const value = stored ? this.#accept(stored.value) : null;
			if (value) {
				this.value = value;
				this.savedAt = typeof stored?.savedAt === 'string' ? stored.savedAt : null;
			}
		} catch {
			// Unreadable storage: start empty rather than break the page.
		}
	}

	save(): boolean {
		const savedAt = new Date().toISOString();
		try {
			localStorage.setItem(this.#key, JSON.stringify({ value: $state.snapshot(this.value), savedAt }));
			this.savedAt = savedAt;
			this.failed = false;
			return true;
		} catch {
			this.failed = true;
			return false;
		}
	}

	clear(): void {
		try {
			localStorage.removeItem(this.#key);
		} catch {
			// nothing saved, nothing to remove
		}
		this.value = this.#empty();
		this.savedAt = null;
	}
}
