/** Checks one message as the API, the page and WeChat receive it; an error names the field. */
import { isLang, type Lang } from '$lib/i18n';
import { nearDistrict } from '$lib/shelters/geo';
import { reportLimit } from '../reports/limits';
import type { RateLimiter } from '../rate-limit';
import { isConversationId } from './store';
import type { Channel, Message } from './types';

export const MAX_MESSAGE = 500;

export type Parsed = { message: Message; conversationId: string | null };
export type InputError = { field: 'message' | 'lang' | 'conversationId' | 'lat' | 'lon'; error: string; key: string };

type Raw = { message?: unknown; lang?: unknown; conversationId?: unknown; lat?: unknown; lon?: unknown };

function coordinate(raw: unknown): number | null | undefined {
	if (raw === undefined || raw === null || raw === '') return null;
	const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
	return Number.isFinite(n) ? n : undefined;
}

export function parseInput(raw: Raw, fallbackLang: Lang): Parsed | InputError {
	if (raw.message !== undefined && typeof raw.message !== 'string') return { field: 'message', error: 'message must be text', key: 'assistant.page.empty' };
	const text = (raw.message ?? '').trim();
	if (text.length > MAX_MESSAGE) return { field: 'message', error: `message must be at most ${MAX_MESSAGE} characters`, key: 'assistant.page.too_long' };
	if (raw.lang !== undefined && raw.lang !== null && raw.lang !== '' && !isLang(raw.lang)) return { field: 'lang', error: 'lang must be "zh-CN" or "en"', key: 'assistant.page.failed' };
	const lang = isLang(raw.lang) ? raw.lang : fallbackLang;
	const id = raw.conversationId;
	if (id !== undefined && id !== null && id !== '' && !isConversationId(id)) {
		return { field: 'conversationId', error: 'conversationId must be the value an earlier answer gave', key: 'assistant.page.failed' };
	}
	const lat = coordinate(raw.lat);
	const lon = coordinate(raw.lon);
	if (lat === undefined || (lat !== null && (lat < -90 || lat > 90))) return { field: 'lat', error: 'lat must be a latitude in degrees (WGS84)', key: 'assistant.page.failed' };
	if (lon === undefined || (lon !== null && (lon < -180 || lon > 180))) return { field: 'lon', error: 'lon must be a longitude in degrees (WGS84)', key: 'assistant.page.failed' };
	if ((lat === null) !== (lon === null)) return { field: lat === null ? 'lat' : 'lon', error: 'lat and lon go together', key: 'assistant.page.failed' };
	if (lat !== null && lon !== null && !nearDistrict(lat, lon)) return { field: 'lat', error: 'lat/lon must be in or near Miyun District', key: 'assistant.page.failed' };
	if (!text && lat === null) return { field: 'message', error: 'message is required (or lat and lon alone)', key: 'assistant.page.empty' };
	return { message: { text, lang, lat, lon, photos: [] }, conversationId: (id as string) || null };
}

/** The web channel (page and API): reports limited per address and device like /report. */
export function webChannel(
	limits: { reportsPerAddress: RateLimiter; reportsPerDevice: RateLimiter },
	address: string,
	device: string | null,
	photos: boolean
): Channel {
	return {
		kind: 'web',
		photos,
		reportLimit: () => reportLimit(limits, address, device)
	};
}
