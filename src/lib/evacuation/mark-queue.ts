/**
 * Marks made on a bad connection wait on the device (localStorage: a mark is a few
 * hundred bytes) and are sent in order once the network is back. Each carries the key
 * made when it was tapped, so a send repeated after a dropped answer is stored once;
 * its `marked_at` is the tap's time, so it does not overwrite a newer mark.
 */
const STORE = 'safe-miyun.evacuation.marks';

export type QueuedMark = {
	key: string;
	household: string;
	thread: string;
	status: string;
	how: string | null;
	shelter: string | null;
	marked_at: string;
};

export function queued(): QueuedMark[] {
	try {
		const list = JSON.parse(localStorage.getItem(STORE) ?? '[]');
		return Array.isArray(list) ? (list as QueuedMark[]) : [];
	} catch {
		return [];
	}
}

const save = (list: QueuedMark[]) => localStorage.setItem(STORE, JSON.stringify(list));

/** A mark from a tapped form: a new key, the time of the tap. */
export function fromForm(form: FormData): QueuedMark {
	const get = (name: string) => {
		const v = form.get(name);
		return typeof v === 'string' && v !== '' ? v : null;
	};
	return {
		key: crypto.randomUUID(),
		household: get('household') ?? '',
		thread: get('thread') ?? '',
		status: get('status') ?? '',
		how: get('how'),
		shelter: get('shelter'),
		marked_at: new Date().toISOString()
	};
}

export function enqueue(mark: QueuedMark): void {
	save([...queued(), mark]);
}

/**
 * Sends what waits, oldest first. Stops at a network failure or a busy answer (429,
 * 5xx) and keeps the rest; a mark the server refuses for good (other 4xx) is dropped and
 * counted, so one bad mark never blocks the others.
 */
export async function flush(): Promise<{ sent: number; refused: number; waiting: number }> {
	let sent = 0;
	let refused = 0;
	for (const mark of queued()) {
		let res: Response;
		try {
			res = await fetch('/console/evacuation/marks', {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				body: JSON.stringify(mark)
			});
		} catch {
			break;
		}
		if (res.status === 429 || res.status >= 500) break;
		if (res.ok) sent++;
		else refused++;
		save(queued().filter((m) => m.key !== mark.key));
	}
	return { sent, refused, waiting: queued().length };
}
