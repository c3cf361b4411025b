/**
 * The production server without the build step: adapter-node's server (build/index.js)
 * with the live event streams answered at the Node layer. `npm start` runs this after
 * building; process managers, the benches and the fault suite run it directly.
 *
 * Why the Node layer: a `/warnings/events` stream stays open for as long as a page is
 * open, tens of thousands per process in a surge. Through SvelteKit each one holds a
 * Request, its Headers and AbortSignal, a ReadableStream and adapter-node's pending read
 * (37 KB per stream measured); answered here it is the socket and nothing more
 * (src/lib/server/public/events.ts, `takeOverEventStreams`). Everything else goes to
 * Node's HTTP server and SvelteKit unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';

// adapter-node takes the public origin from ORIGIN (or proxy headers) and otherwise
// assumes https, which would make SvelteKit's CSRF check refuse every form post on a
// plain-http local start. Behind a proxy, set ORIGIN to the public URL.
// A PORT that makes no address (99999, "eighty") gets no default: the app's own settings
// check then names PORT, where adapter-node would have blamed the ORIGIN made from it.
const localOrigin = `http://localhost:${process.env.PORT || 3000}`;
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER && URL.canParse(localOrigin)) {
	process.env.ORIGIN = localOrigin;
	console.log(`safe-miyun: ORIGIN not set; using ${process.env.ORIGIN} (open the app at that address)`);
}

// Hazard reports carry up to 4 photos of up to 8 MB each (multipart, also with
// JavaScript off); adapter-node's own default (512K) would refuse them. Set
// BODY_SIZE_LIMIT to change it; see docs/decisions.md.
process.env.BODY_SIZE_LIMIT ??= '34M';

// Node closes an idle keep-alive connection after 5 s; a proxy (nginx keeps upstream
// connections 60 s) or any client reusing the socket at that moment gets a reset or a
// 502. Keep connections longer than the proxy does; KEEP_ALIVE_TIMEOUT (s) overrides.
process.env.KEEP_ALIVE_TIMEOUT ??= '65';
process.env.HEADERS_TIMEOUT ??= '66';

// Importing the server runs the app's `init` (database, migrations), which leaves the
// take-over of the event streams under this symbol, and starts listening. Nothing is
// served before this module continues (no I/O runs between the import finishing and the
// lines below).
const { server } = await import(path.resolve('build/index.js'));
/** @type {((server: import('node:http').Server) => void) | undefined} */
const takeOverEventStreams = /** @type {any} */ (globalThis)[Symbol.for('safe-miyun.live-events')];
takeOverEventStreams?.(server.server);

// A page kept from an earlier build (a phone, a display screen left open for days) asks for
// hashed assets that a later build replaced. adapter-node's static server listed the files
// when it started and opens the one it listed: if a build was made in place meanwhile, the
// file is gone and the read stream's unhandled error ends the whole process. Such a request
// is a 404 here, before it reaches the static server.
const IMMUTABLE = '/_app/immutable/';
const client = path.resolve('build/client');
const handlers = server.server.listeners('request');
server.server.removeAllListeners('request');
server.server.on('request', (/** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res) => {
	if (req.url?.startsWith(IMMUTABLE)) {
		let file = '';
		try {
			file = path.join(client, decodeURIComponent(new URL(req.url, 'http://localhost').pathname));
		} catch {
			/* a malformed escape: not a file of ours */
		}
		if (!file.startsWith(client + path.sep) || !fs.existsSync(file)) {
			res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
			res.end('Not found\n');
			return;
		}
	}
	for (const handler of handlers) handler.call(server.server, req, res);
});

