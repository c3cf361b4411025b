import { expect, type APIRequestContext } from '@playwright/test';
import { e2eApiKey } from './fixtures';

/**
 * Posts an Actual yellow flood warning (or its Cancel) as the upstream feed would, with the
 * e2e API key. `area` is CAP `<polygon>` or `<circle>` markup; `hazard` and `severity`
 * (Extreme: red) make it another warning.
 */
export async function issueFloodCap(
	request: APIRequestContext,
	opts: { identifier: string; msgType: 'Alert' | 'Cancel'; area: string; references?: string; sender: string; headline: string; areaDesc: string; hazard?: string; severity?: string }
) {
	const t = (ms: number) => `${new Date(Date.now() + ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
	const { identifier, msgType, area, references, sender } = opts;
	const xml = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${identifier}</identifier><sender>${sender}</sender><sent>${t(-60_000)}</sent>
  <status>Actual</status><msgType>${msgType}</msgType><scope>Public</scope>
  ${references ? `<references>${sender},${references},${t(-60_000)}</references>` : ''}
  <info><language>en</language><category>Met</category><event>Flood</event><urgency>Immediate</urgency>
    <severity>${opts.severity ?? 'Moderate'}</severity><certainty>Likely</certainty><expires>${t(10 * 60_000)}</expires>
    <eventCode><valueName>hazard</valueName><value>${opts.hazard ?? 'flood'}</value></eventCode>
    <headline>${opts.headline}</headline><description>Test of shelter exclusion.</description>
    <instruction>Go to another shelter.</instruction>
    <area><areaDesc>${opts.areaDesc}</areaDesc>${area}</area>
  </info>
</alert>`;
	const response = await request.post('/api/cap', { data: xml, headers: { authorization: `Bearer ${e2eApiKey()}`, 'content-type': 'application/xml' } });
	expect(response.status(), await response.text()).toBe(201);
}
