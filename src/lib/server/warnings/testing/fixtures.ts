/** Inputs for the warnings tests: a red rainstorm over two townships with sourced seats. */
import type { WarningInput } from '../model';

export const TWO_TOWNS = ['110118101', '110118106'] as const; // 溪翁庄镇, 穆家峪镇

export function rainstorm(overrides: Partial<WarningInput> = {}): WarningInput {
	const now = Date.now();
	return {
		status: 'Actual',
		hazard: 'rainstorm',
		level: 'red',
		urgency: 'Immediate',
		certainty: 'Likely',
		responseType: 'Shelter',
		effective: new Date(now - 60_000),
		onset: null,
		expires: new Date(now + 6 * 3600_000),
		web: null,
		contact: '010-69000000',
		parameters: [],
		areas: TWO_TOWNS.map((code) => ({ kind: 'geocode' as const, code })),
		infos: [
			{ lang: 'zh-CN', event: '暴雨', headline: '暴雨红色预警', description: '预计未来3小时降雨量将达100毫米以上。', instruction: '立即转移到安全地带。', senderName: '密云区气象局', areaDesc: '' },
			{ lang: 'en', event: 'Rainstorm', headline: 'Red rainstorm warning', description: 'Over 100 mm of rain expected within 3 hours.', instruction: 'Move to safe ground now.', senderName: 'Miyun District Meteorological Bureau', areaDesc: '' }
		],
		...overrides
	};
}

/** A CAP 1.2 alert as an upstream platform might send it (times relative to now). */
export function capAlert(opts: { identifier?: string; msgType?: 'Alert' | 'Update' | 'Cancel'; references?: string; level?: string; status?: string } = {}): string {
	const t = (ms: number) => `${new Date(Date.now() + ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
	return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${opts.identifier ?? '11000041600000_20260721140000'}</identifier>
  <sender>12379@cma.gov.cn</sender>
  <sent>${t(-60_000)}</sent>
  <status>${opts.status ?? 'Actual'}</status>
  <msgType>${opts.msgType ?? 'Alert'}</msgType>
  <scope>Public</scope>
  ${opts.references ? `<references>${opts.references}</references>` : ''}
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>暴雨</event>
    <responseType>Prepare</responseType>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <effective>${t(-60_000)}</effective>
    <expires>${t(12 * 3600_000)}</expires>
    <senderName>密云区气象台</senderName>
    <headline>密云区气象台发布暴雨预警</headline>
    <description>预计今天夜间密云区北部山区将出现大暴雨。</description>
    <instruction>山区居民注意防范山洪、泥石流等次生灾害。</instruction>
    <web>https://example.org/warnings/1</web>
    <parameter><valueName>预警级别</valueName><value>${opts.level ?? '橙色'}</value></parameter>
    <parameter><valueName>source</valueName><value>12379</value></parameter>
    <area>
      <areaDesc>石城镇、冯家峪镇</areaDesc>
      <polygon>40.60,116.75 40.65,116.85 40.58,116.90 40.60,116.75</polygon>
      <circle>40.6186,116.8703 5</circle>
      <geocode><valueName>CN-NBS</valueName><value>110118116</value></geocode>
    </area>
  </info>
  <info>
    <language>en</language>
    <category>Met</category>
    <event>Rainstorm</event>
    <responseType>Prepare</responseType>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <effective>${t(-60_000)}</effective>
    <expires>${t(12 * 3600_000)}</expires>
    <senderName>Miyun District Meteorological Observatory</senderName>
    <headline>Rainstorm warning for Miyun</headline>
    <description>Torrential rain expected in the northern mountains tonight.</description>
    <instruction>Mountain residents: beware of flash floods and debris flows.</instruction>
    <web>https://example.org/warnings/1</web>
    <parameter><valueName>预警级别</valueName><value>${opts.level ?? '橙色'}</value></parameter>
    <parameter><valueName>source</valueName><value>12379</value></parameter>
    <area>
      <areaDesc>Shicheng and Fengjiayu</areaDesc>
      <polygon>40.60,116.75 40.65,116.85 40.58,116.90 40.60,116.75</polygon>
      <circle>40.6186,116.8703 5</circle>
      <geocode><valueName>CN-NBS</valueName><value>110118116</value></geocode>
    </area>
  </info>
</alert>
`;
}
