import { describe, expect, it } from 'vitest';
import { parseInput } from './input';

describe('assistant input', () => {
	it('takes a message with optional language, conversation and position', () => {
		const ok = parseInput({ message: ' 山洪来了怎么办 ', lang: 'en', conversationId: 'a'.repeat(32), lat: 40.45, lon: '116.8' }, 'zh-CN');
		expect(ok).toEqual({ message: { text: '山洪来了怎么办', lang: 'en', lat: 40.45, lon: 116.8, photos: [] }, conversationId: 'a'.repeat(32) });
		expect(parseInput({ message: 'hi' }, 'zh-CN')).toMatchObject({ message: { lang: 'zh-CN', lat: null }, conversationId: null });
		expect(parseInput({ lat: 40.45, lon: 116.8 }, 'en')).toMatchObject({ message: { text: '' } });
	});

	it('names the field that is wrong', () => {
		expect(parseInput({}, 'en')).toMatchObject({ field: 'message' });
		expect(parseInput({ message: 42 }, 'en')).toMatchObject({ field: 'message' });
		expect(parseInput({ message: 'x'.repeat(501) }, 'en')).toMatchObject({ field: 'message' });
		expect(parseInput({ message: 'hi', lang: 'fr' }, 'en')).toMatchObject({ field: 'lang' });
		expect(parseInput({ message: 'hi', conversationId: 'short' }, 'en')).toMatchObject({ field: 'conversationId' });
		expect(parseInput({ message: 'hi', lat: 40.4 }, 'en')).toMatchObject({ field: 'lon' });
		expect(parseInput({ message: 'hi', lat: 'north', lon: 116 }, 'en')).toMatchObject({ field: 'lat' });
		expect(parseInput({ message: 'hi', lat: 31.2, lon: 121.5 }, 'en')).toMatchObject({ field: 'lat', error: expect.stringMatching(/Miyun/) });
	});
});
