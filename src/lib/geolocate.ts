/**
 * One reading of the device's position, asked only when the person pressed a button.
 * `precise` asks for GPS (a shelter search, a report's place, the assistant); otherwise
 * a quick coarse fix is enough (am I in this warning's area, a subscription's place).
 */
export type Located = { lat: number; lon: number } | { problem: 'unavailable' | 'denied' };

export function locate(precise: boolean): Promise<Located> {
	if (typeof navigator === 'undefined' || !('geolocation' in navigator)) return Promise.resolve({ problem: 'unavailable' });
	return new Promise((resolve) =>
		navigator.geolocation.getCurrentPosition(
			(pos) => resolve({ lat: pos.coords.latitude, lon: pos.coords.longitude }),
			(error) => resolve({ problem: error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable' }),
			precise
				? { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 }
				: { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 }
		)
	);
}
