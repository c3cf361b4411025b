import { infoFor } from '$lib/warnings';
import * as warnings from '$lib/server/warnings/store';
import type { RequestHandler } from './$types';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Atom index of the warnings in force, each linking to its CAP document (the CAP-feeds convention). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const active = await locals.db((tx) => warnings.active(tx));
	const updated = active.reduce((latest, w) => (w.sent && w.sent > latest ? w.sent : latest), new Date(0));
	const entries = active.map((w) => {
		const info = infoFor(w.infos, 'zh-CN')!;
		const cap = `${url.origin}/cap/alerts/${encodeURIComponent(w.identifier)}.xml`;
		return `  <entry>
    <id>${esc(cap)}</id>
    <title>${esc(info.headline)}</title>
    <updated>${(w.sent ?? w.updatedAt).toISOString()}</updated>
    <summary>${esc(info.areaDesc)}</summary>
    <link rel="alternate" type="application/cap+xml" href="${esc(cap)}"/>
    <link rel="related" type="text/html" href="${esc(`${url.origin}/warnings/${w.threadId}`)}"/>
  </entry>`;
	});
	const body = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${esc(`${url.origin}/cap/feed.atom`)}</id>
  <title>Safe Miyun: warnings in force</title>
  <updated>${(active.length ? updated : new Date()).toISOString()}</updated>
  <author><name>Safe Miyun</name></author>
  <link rel="self" href="${esc(`${url.origin}/cap/feed.atom`)}"/>
${entries.join('\n')}
</feed>
`;
	return new Response(body, { headers: { 'content-type': 'application/atom+xml; charset=utf-8', 'cache-control': 'public, max-age=30' } });
};
