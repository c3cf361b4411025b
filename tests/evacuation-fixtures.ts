/** The evacuation journeys' warning: red flash flood around the seat of the demo roll's township. */
import type { APIRequestContext } from '@playwright/test';
import { issueFloodCap } from './shelter-fixtures';

export const XIWENGZHUANG = '110118101';

/** Issues a red flash-flood warning 2 km around the township seat (headline: `Red flash flood warning (<tag> test)`); returns its Cancel. */
export async function redFlashFlood(request: APIRequestContext, tag = 'evacuation'): Promise<() => Promise<void>> {
	const snap = (await (await request.get('/api/shelters/snapshot')).json()) as { towns: { code: string; lat: number | null; lon: number | null }[] };
	const seat = snap.towns.find((t) => t.code === XIWENGZHUANG)!;
	const identifier = `e2e-${tag}-${Date.now()}`;
	const cap = (msgType: 'Alert' | 'Cancel', references?: string) =>
		issueFloodCap(request, {
			identifier: msgType === 'Alert' ? identifier : `${identifier}-cancel`, msgType, references, hazard: 'flash_flood', severity: 'Extreme',
			area: `<circle>${seat.lat!.toFixed(5)},${seat.lon!.toFixed(5)} 2</circle>`, sender: 'e2e-evacuation@miyun.test',
			headline: `Red flash flood warning (${tag} test)`, areaDesc: 'Xiwengzhuang'
		});
	await cap('Alert');
	return () => cap('Cancel', identifier);
}
