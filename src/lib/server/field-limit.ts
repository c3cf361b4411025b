import { isHttpError } from '@sveltejs/kit';
import { storable } from './http';
import { discardRest } from './reports/uploads';

/**
 * A multipart body's text fields, limited while the body streams in. The body limit
 * (BODY_SIZE_LIMIT, 34 MB on the photo routes) is for photos; without this, a 25 MB
 * "description" was read whole before the form's own check refused it. The guard scans
 * the stream for part boundaries, and a part without a filename (a text field) that
 * grows past `limit` bytes stops the read at once: the caller answers 413.
 */
export class FieldTooLarge extends Error {
	constructor(readonly limit: number) {
		super(`a text field is longer than ${limit} bytes`);
	}
}

const CRLF2 = new Uint8Array([13, 10, 13, 10]);

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
	outer: for (let i = from; i <= haystack.length - needle.length; i++) {
		for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
		return i;
	}
	return -1;
}

/** The boundary of a multipart/form-data content type, or null. */
export function boundaryOf(contentType: string | null): string | null {
	const m = /^multipart\/form-data\s*;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
	return m ? (m[1] ?? m[2] ?? null) : null;
}

/**
 * Passes the body through unchanged, erroring the stream with FieldTooLarge as soon as
 * one text part exceeds `limit` bytes.
 */
export function limitTextFields(body: ReadableStream<Uint8Array>, boundary: string, limit: number, onExceeded: () => void = () => {}): ReadableStream<Uint8Array> {
	const delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
	// The stream starts with "--boundary" (no CRLF before it): pretend there was one.
	let buffer: Uint8Array = new Uint8Array([13, 10]);
	let inHeaders = false;
	let textPart = false;
	let partBytes = 0;
	const scan = () => {
		for (;;) {
			if (inHeaders) {
				const end = indexOf(buffer, CRLF2);
				if (end < 0) {
					if (buffer.length > 16_384) throw new FieldTooLarge(limit); // headers that never end
					return;
				}
				const headers = new TextDecoder().decode(buffer.subarray(0, end));
				textPart = !/filename\s*=/i.test(headers);
				partBytes = 0;
				inHeaders = false;
				buffer = buffer.subarray(end + 4);
				continue;
			}
			const at = indexOf(buffer, delimiter);
			if (at >= 0) {
				partBytes += at;
				if (textPart && partBytes > limit) throw new FieldTooLarge(limit);
				buffer = buffer.subarray(at + delimiter.length);
				inHeaders = true;
				continue;
			}
			// keep a tail that may hold the start of a delimiter split across chunks
			const keep = Math.min(buffer.length, delimiter.length - 1);
			partBytes += buffer.length - keep;
			if (textPart && partBytes > limit) throw new FieldTooLarge(limit);
			buffer = buffer.subarray(buffer.length - keep);
			return;
		}
	};
	// Not cancelled when the guard stops the read: the caller drops the rest (discardRest), so the 413 is not lost with the socket.
	return body.pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			transform(chunk, controller) {
				const joined = new Uint8Array(buffer.length + chunk.length);
				joined.set(buffer);
				joined.set(chunk, buffer.length);
				buffer = joined;
				try {
					scan();
				} catch (error) {
					onExceeded();
					throw error;
				}
				controller.enqueue(chunk);
			}
		}),
		{ preventCancel: true }
	);
}

/** Drops what is left of a body once the pipe that read it has let go of it. */
async function dropWhenFree(body: ReadableStream<Uint8Array>): Promise<void> {
	while (body.locked) await new Promise((resolve) => setImmediate(resolve));
	discardRest(body.getReader());
}

/**
 * The request's form with its text fields limited; FieldTooLarge when one is over the
 * limit, null when the body is no well-formed form, the 400 `text_unstorable` (http.ts)
 * when a field's text cannot be stored.
 */
export async function readLimitedForm(request: Request, limit: number): Promise<FormData | null> {
	const boundary = boundaryOf(request.headers.get('content-type'));
	if (!boundary || !request.body) return null;
	let exceeded = false;
	const guarded = new Request(request.url, {
		method: 'POST',
		headers: { 'content-type': request.headers.get('content-type')! },
		body: limitTextFields(request.body, boundary, limit, () => (exceeded = true)),
		duplex: 'half'
	} as RequestInit);
	let form: FormData;
	try {
		form = await guarded.formData();
	} catch (error) {
		// however the platform wraps the stream's error, the guard knows it stopped the read
		if (exceeded) {
			void dropWhenFree(request.body);
			throw new FieldTooLarge(limit);
		}
		if (isHttpError(error)) throw error;
		return null;
	}
	return storable(form);
}
