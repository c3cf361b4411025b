/** A CAP 1.2 earthquake early warning with EEW parameters, for tests, journeys and the benchmark. */
import type { EewFacts } from '../../eew/message';

const capTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

export function eewCap(f: EewFacts, extra: { references?: string } = {}): string {
	const p = (name: string, value: string | number) => `<parameter><valueName>${name}</valueName><value>${value}</value></parameter>`;
	const id = f.eventId.replace(/[^A-Za-z0-9._:-]/g, '_');
	const sent = new Date(Math.max(f.originTime.getTime(), Date.now() - 1000));
	return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${id}.${f.sequence}</identifier>
  <sender>eew@cenc.example</sender>
  <sent>${capTime(sent)}</sent>
  <status>${f.status}</status>
  <msgType>${f.msgType}</msgType>
  <scope>Public</scope>
  ${f.msgType !== 'Alert' ? `<references>${extra.references ?? `eew@cenc.example,${id}.1,${capTime(sent)}`}</references>` : ''}
  <info>
    <language>en</language>
    <category>Geo</category>
    <event>Earthquake</event>
    <responseType>Shelter</responseType>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <expires>${capTime(new Date(sent.getTime() + 120_000))}</expires>
    <headline>Earthquake early warning M${f.magnitude}</headline>
    <description>Earthquake early warning.</description>
    <instruction>Drop, Cover, Hold on.</instruction>
    ${p('EEW_EVENT_ID', f.eventId)}${p('EEW_SEQUENCE', f.sequence)}${p('EEW_ORIGIN_TIME', f.originTime.toISOString())}
    ${p('EEW_LATITUDE', f.lat)}${p('EEW_LONGITUDE', f.lon)}${p('EEW_DEPTH_KM', f.depthKm)}${p('EEW_MAGNITUDE', f.magnitude)}
    <area><areaDesc>Miyun</areaDesc><circle>40.4,116.9 50</circle></area>
  </info>
</alert>`;
}

/** The JSON body of POST /api/eew for the same facts. */
export function eewJson(f: EewFacts): Record<string, unknown> {
	return {
		eventId: f.eventId,
		sequence: f.sequence,
		msgType: f.msgType,
		status: f.status,
		originTime: f.originTime.toISOString(),
		latitude: f.lat,
		longitude: f.lon,
		depthKm: f.depthKm,
		magnitude: f.magnitude
	};
}
