/**
 * Reports made offline wait on the device (IndexedDB, photos as Blobs) and are sent
 * once the network is back. Each carries the idempotency key and tracking token made
 * with the form, so a send that is repeated (the connection dropped after the server
 * filed it) gives the same report, never a second one.
 */
const DB_NAME = 'safe-miyun-reports';
const STORE = 'waiting';
/** The store's name before 2026-12-04 (version 1): its reports are moved on upgrade, never dropped. */
const OLD_STORE = 'outbox';
const SENT_KEY = 'safe-miyun.reports.sent';
const REFUSED_KEY = 'safe-miyun.reports.refused';

export type Waiting = { key: string; fields: [string, string][]; photos: Blob[]; savedAt: number };
export type Sent = { ticket: string; url: string; sentAt: number };
/**
 * A kept report the server refused for good: why, and its text fields (not its photos, the
 * usual cause), so the resident can put it back in the form and send it right.
 */
export type Refused = { key: string; reason: string; at: number; fields: [string, string][] };

function open(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const req = indexedDB.open(DB_NAME, 2);
		req.onupgradeneeded = () => {
			const db = req.result;
			const store = db.createObjectStore(STORE, { keyPath: 'key' });
			if (!db.objectStoreNames.contains(OLD_STORE)) return;
			// Reports a phone kept offline under the old name are still to be sent: copy
			// them within the upgrade, then drop the old store. The open waits for this.
			const old = req.transaction!.objectStore(OLD_STORE).getAll();
			old.onsuccess = () => {
				for (const item of old.result) store.put(item);
				db.deleteObjectStore(OLD_STORE);
			};
		};
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
	const db = await open();
	try {
		return await new Promise<T>((resolve, reject) => {
			const req = work(db.transaction(STORE, mode).objectStore(STORE));
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error);
		});
	} finally {
		db.close();
	}
}

/** Keeps a form's fields and photos on the device. */
export async function keep(form: FormData): Promise<void> {
	const fields: [string, string][] = [];
	const photos: Blob[] = [];
	for (const [name, value] of form) {
		if (typeof value === 'string') fields.push([name, value]);
		else if (name === 'photos' && value.size > 0) photos.push(value);
	}
	const key = fields.find(([n]) => n === 'key')?.[1];
	if (!key) throw new Error('the form has no idempotency key');
	await run('readwrite', (s) => s.put({ key, fields, photos, savedAt: Date.now() } satisfies Waiting));
}

export const waiting = (): Promise<Waiting[]> => run('readonly', (s) => s.getAll() as IDBRequest<Waiting[]>);

export function sent(): Sent[] {
	try {
		return JSON.parse(localStorage.getItem(SENT_KEY) ?? '[]') as Sent[];
	} catch {
		return [];
	}
}

function remember(item: Sent) {
	const list = [item, ...sent().filter((s) => s.ticket !== item.ticket)].slice(0, 20);
	localStorage.setItem(SENT_KEY, JSON.stringify(list));
}

export function refused(): Refused[] {
	try {
		return JSON.parse(localStorage.getItem(REFUSED_KEY) ?? '[]') as Refused[];
	} catch {
		return [];
	}
}

function rememberRefused(item: Refused) {
	const list = [item, ...refused().filter((r) => r.key !== item.key)].slice(0, 20);
	localStorage.setItem(REFUSED_KEY, JSON.stringify(list));
}

/** The resident has seen it (and made the report again, or not). */
export function forgetRefused(key: string): void {
	localStorage.setItem(REFUSED_KEY, JSON.stringify(refused().filter((r) => r.key !== key)));
}

/** The server's reason in the request's language: its message and each field's. */
async function reasonOf(res: Response): Promise<string> {
	const body = (await res.json().catch(() => null)) as { error?: string; fields?: Record<string, { message?: string }> } | null;
	const fields = Object.values(body?.fields ?? {}).map((f) => f.message).filter(Boolean);
	return [body?.error, ...fields].filter(Boolean).join(' ') || `HTTP ${res.status}`;
}

/**
 * Sends what waits, one at a time. Stops at the first network failure (still
 * offline) or busy answer (429, 5xx: the server's database may be away for a moment),
 * saying in `retryAfter` how many seconds the server asked to wait (and in `limited` that it
 * was the sending limit, 429); a report the server
 * refuses for good (4xx other than 429) leaves the queue and is listed in `refused()` with
 * the server's reason. A send repeated after a 503 carries
 * the same idempotency key: one report, however many tries.
 */
export async function flush(): Promise<{ sent: number; refused: number; retryAfter?: number; limited?: boolean }> {
	let count = 0;
	let refusedCount = 0;
	for (const item of await waiting()) {
		const body = new FormData();
		for (const [name, value] of item.fields) body.append(name, value);
		for (const photo of item.photos) body.append('photos', photo, 'photo.jpg');
		let res: Response;
		try {
			res = await fetch('/api/reports', { method: 'POST', body, headers: { accept: 'application/json' } });
		} catch {
			break;
		}
		if (res.ok) {
			const { ticket, url } = (await res.json()) as { ticket: string; url: string };
			remember({ ticket, url, sentAt: Date.now() });
			count++;
		} else if (res.status === 429 || res.status >= 500) {
			const asked = Number(res.headers.get('retry-after'));
			// 429: this address has sent too many for now (a limit, not an outage): the page says which.
			return { sent: count, refused: refusedCount, retryAfter: Number.isFinite(asked) && asked > 0 ? asked : 10, limited: res.status === 429 };
		} else {
			// Refused for good (a photo it cannot read, a place that does not exist): the
			// text and the reason stay on the device, never dropped unseen.
			const fields = item.fields.filter(([n]) => n !== 'key' && n !== 'token');
			rememberRefused({ key: item.key, reason: await reasonOf(res), at: Date.now(), fields });
			refusedCount++;
		}
		await run('readwrite', (s) => s.delete(item.key));
	}
	return { sent: count, refused: refusedCount };
}

/** Remembers a report filed online, so the device lists it with its link. */
export function rememberFiled(ticket: string, url: string): void {
	remember({ ticket, url, sentAt: Date.now() });
}
