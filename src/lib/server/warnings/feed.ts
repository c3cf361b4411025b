/**
 * The Atom index of current warnings (the CAP-feeds convention: each entry links to its
 * CAP document). Titles carry the drill marker as every other place does; a warning
 * coming into force says when it takes effect.
 */
import { makeT } from '../../i18n';
import { infoFor, phaseOf, warningTitle } from '../../warnings';
import { messagesFor } from '../i18n';
import { capTime } from './model';
import type { Stored } from './store';
import { escapeXml as esc } from '../xml-text';


/** Beijing time without seconds, as the feed's Chinese readers expect it. */
const beijing = (d: Date) => capTime(d).slice(0, 16).replace('T', ' ');

export function atomFeed(active: Stored[], origin: string, now = new Date()): string {
	const t = makeT('zh-CN', messagesFor('zh-CN'));
	const updated = active.reduce((latest, w) => (w.sent && w.sent > latest ? w.sent : latest), new Date(0));
	const entries = active.map((w) => {
		const info = infoFor(w.infos, 'zh-CN')!;
		const cap = `${origin}/cap/alerts/${encodeURIComponent(w.identifier)}.xml`;
		const title = warningTitle(t, w.status, info.headline);
		const phase = phaseOf(w, now);
		const summary = phase.kind === 'upcoming' ? `${t('warnings.takes_effect', { time: beijing(phase.from) })} · ${info.areaDesc}` : info.areaDesc;
		return `  <entry>
    <id>${esc(cap)}</id>
    <title>${esc(title)}</title>
    <updated>${(w.sent ?? w.updatedAt).toISOString()}</updated>
    <summary>${esc(summary)}</summary>
    <link rel="alternate" type="application/cap+xml" href="${esc(cap)}"/>
    <link rel="related" type="text/html" href="${esc(`${origin}/warnings/${w.threadId}`)}"/>
  </entry>`;
	});
	return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${esc(`${origin}/cap/feed.atom`)}</id>
  <title>Safe Miyun: warnings in force</title>
  <updated>${(active.length ? updated : now).toISOString()}</updated>
  <author><name>Safe Miyun</name></author>
  <link rel="self" href="${esc(`${origin}/cap/feed.atom`)}"/>
${entries.join('\n')}
</feed>
`;
}
