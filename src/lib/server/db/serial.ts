/**
 * A FIFO lock: PGlite has one connection, so a transaction must not see another
 * caller's statements interleaved with its own. Everything that touches the
 * embedded database goes through one of these.
 */
export class Serial {
	#tail: Promise<unknown> = Promise.resolve();

	run<T>(work: () => Promise<T>): Promise<T> {
		const result = this.#tail.then(work, work);
		// The queue goes on whether this piece of work succeeded or not.
		this.#tail = result.catch(() => undefined);
		return result;
	}
}
