/**
 * A report form's idempotency key and tracking token: made by the server for the form it
 * shows, and by the browser for the next report after one was kept on the device. Web
 * Crypto's random values, which a phone has on a plain-http address too (`randomUUID`
 * is for secure contexts only).
 */
export function freshIds(): { key: string; token: string } {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
	bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
	const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
	const key = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
	const token = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))
		.replace(/\+/g, '-')
		.replace(/\//g, '_');
	return { key, token };
}
