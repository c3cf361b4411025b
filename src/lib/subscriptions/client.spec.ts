import { describe, expect, it } from 'vitest';
import { ApiError, DeviceError, problems } from './client';

describe('problems', () => {
	it('names each field the API refused, in message keys the page translates', () => {
		const refused = new ApiError(400, 'some fields are missing or wrong', {
			phone: 'must be a mainland mobile number (11 digits, starting with 1)',
			'places[0]': 'must be {"lat", "lon", "label"} or {"village": <code>, "label"}',
			until: 'must be in the future',
			'push.endpoint': 'is not a known push service'
		});
		expect(problems(refused).map((p) => p.key)).toEqual(['err_phone', 'err_places', 'err_until', 'err_push']);
		expect(problems(new ApiError(400, 'places: x is outside Miyun District', { places: 'x is outside Miyun District' }))[0]!.key).toBe('err_place_outside');
		expect(problems(new ApiError(400, 'phone: taken', { phone: 'this number already has a subscription; delete it first' }))[0]!.key).toBe('err_phone_taken');
		// the API's keyed refusals: the code decides
		const keyed = new ApiError(400, 'Some fields are missing or wrong.', { until: { code: 'visit_until', message: 'A visit ends…', detail: 'a visit ends at most 14 days after today' } });
		expect(problems(keyed)).toEqual([{ key: 'err_visit_until', values: { field: 'until', message: 'a visit ends at most 14 days after today' } }]);
	});

	it('tells codes, limits, the network and the device apart', () => {
		expect(problems(new ApiError(400, 'code: wrong', { code: 'wrong' }))[0]!.key).toBe('err_code');
		expect(problems(new ApiError(410, 'expired'))).toEqual([{ key: 'err_code_expired' }]);
		expect(problems(new ApiError(429, 'too many'))).toEqual([{ key: 'err_rate' }]);
		// The server's real wait, in whole minutes: 3,199 s is 54 minutes, never "a few".
		expect(problems(new ApiError(429, 'too many', {}, 3199))).toEqual([{ key: 'err_rate_wait', values: { minutes: '54' } }]);
		expect(problems(new ApiError(429, 'too many', {}, 20))).toEqual([{ key: 'err_rate_wait', values: { minutes: '1' } }]);
		expect(problems(new TypeError('Failed to fetch'))).toEqual([{ key: 'err_network' }]);
		expect(problems(new DeviceError('err_notifications_denied'))).toEqual([{ key: 'err_notifications_denied' }]);
		expect(problems(new ApiError(500, 'boom'))).toEqual([{ key: 'err_generic', values: { message: 'boom' } }]);
	});
});
