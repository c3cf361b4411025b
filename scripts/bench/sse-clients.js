/**
 * One client process of `npm run bench:sse`: opens `count` /warnings/events streams
 * (a process holds at most its open-file limit of sockets, so the bench spreads 20,000
 * streams over several of these) and reports, on the wall clock shared by the processes,
 * when each stream received the bench's warning (its CAP identifier in the event).
 * Messages from the parent: { origin, count, offset, localAddress, identifier }, then 'close'.
 * To the parent: { opened }, then { first, last, got } once every stream has the event.
 *
 * The streams stand for phones elsewhere, so each costs the machine as little as a socket
 * can: a plain TCP connection sending the request a browser sends, and a byte search on
 * what arrives — no HTTP parser, stream objects or text decoding per chunk (with Node's
 * HTTP client these were most of the clients' CPU, taken from the same cores the server
 * needs). The server's answer is still read whole: its status line is checked, and an
 * identifier split across two reads is found.
 */
import net from 'node:net';

const now = () => performance.timeOrigin + performance.now();
/** @type {net.Socket[]} */
const sockets = [];
const times = [];
const CONNECTED = Buffer.from(': connected');

/** @param {URL} origin @param {number} i @param {string} localAddress @param {Buffer} identifier */
function open(origin, i, localAddress, identifier) {
	return new Promise((resolve, reject) => {
		let greeted = false;
		let got = false;
		let checked = false;
		/** the end of the previous read: a word split between two reads is found */
		let tail = Buffer.alloc(0);
		const keep = Math.max(identifier.length, CONNECTED.length) - 1;
		const socket = net.connect({ host: origin.hostname, port: Number(origin.port), localAddress }, () => {
			socket.write(
				`GET /warnings/events HTTP/1.1\r\nHost: ${origin.host}\r\nAccept: text/event-stream\r\n` +
					`X-Forwarded-For: 10.9.${(i >> 8) & 255}.${i & 255}\r\nConnection: keep-alive\r\n\r\n`
			);
		});
		/** `word` in this read, or across the end of the previous read and the start of this one */
		const has = (/** @type {Buffer} */ chunk, /** @type {Buffer} */ word) =>
			chunk.includes(word) || (tail.length > 0 && Buffer.concat([tail, chunk.subarray(0, word.length - 1)]).includes(word));
		socket.on('data', (/** @type {Buffer} */ chunk) => {
			if (!checked) {
				checked = true;
				if (!chunk.subarray(0, 12).toString('latin1').startsWith('HTTP/1.1 200')) {
					reject(new Error(`stream ${i}: ${chunk.subarray(0, 80).toString('latin1')}`));
					socket.destroy();
					return;
				}
			}
			if (!greeted && has(chunk, CONNECTED)) {
				greeted = true;
				resolve(undefined);
			}
			if (!got && has(chunk, identifier)) {
				got = true;
				times.push(now());
				if (times.length === sockets.length) process.send?.({ first: Math.min(...times), last: Math.max(...times), got: times.length });
			}
			tail = chunk.subarray(Math.max(0, chunk.length - keep));
		});
		socket.on('error', (error) => (greeted ? undefined : reject(error)));
		sockets.push(socket);
	});
}

process.on('message', async (/** @type {any} */ message) => {
	if (message === 'close') {
		for (const socket of sockets) socket.destroy();
		process.exit(0);
	}
	const { origin, count, offset, localAddress, identifier } = message;
	const url = new URL(origin);
	const id = Buffer.from(identifier);
	// In steps of 250: the server's listen backlog (511) is not flooded with SYNs.
	for (let i = 0; i < count; i += 250) await Promise.all(Array.from({ length: Math.min(250, count - i) }, (_, j) => open(url, offset + i + j, localAddress, id)));
	process.send?.({ opened: count });
});
