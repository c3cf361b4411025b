/**
 * The QR of a registration opens the console's check-in page for that event with the
 * code filled in: staff scan it with any phone camera, no app needed. Rendered on the
 * server as SVG (no script, works offline once the page is saved).
 */
import QRCode from 'qrcode';

export function checkInUrl(origin: string, eventId: string, code: string): string {
	return `${origin}/console/volunteers/events/${eventId}?code=${code}`;
}

export function qrSvg(text: string): Promise<string> {
	return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
