/**
 * One client process of `npm run bench:sse`: opens `count` /warnings/events streams
 * (a process holds at most its open-file limit of sockets, so the bench spreads 20,000
 * streams over several of these) and reports, on the wall clock shared by the processes,
 * when each stream received the bench's warning (its CAP identifier in the event).
 * Messages from the parent: { origin, count, offset, localAddress, identifier }, then 'close'.
 * To the parent: { opened }, then { first, last, got } once every stream has the event.
 */
import http from 'node:http';

const now = () => performance.timeOrigin + performance.now();
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
/** @type {http.ClientRequest[]} */
const requests = [];
const times = [];

/** @param {string} origin @param {number} i @param {string} localAddress @param {string} identifier */
function open(origin, i, localAddress, identifier) {
	return new Promise((resolve, reject) => {
		let greeted = false;
		let got = false;
		const request = http.get(`${origin}/warnings/events`, { agent, localAddress, headers: { accept: 'text/event-stream', 'x-forwarded-for': `10.9.${(i >> 8) & 255}.${i & 255}` } }, (response) => {
			response.setEncoding('utf8');
			response.on('data', (/** @type {string} */ chunk) => {
				if (!got && chunk.includes(identifier)) {
					got = true;
					times.push(now());
					if (times.length === requests.length) process.send?.({ first: Math.min(...times), last: Math.max(...times), got: times.length });
				}
				if (!greeted && chunk.includes(': connected')) {
					greeted = true;
					resolve(undefined);
				}
			});
			response.on('error', () => undefined);
		});
		request.on('error', reject);
		requests.push(request);
	});
}

process.on('message', async (/** @type {any} */ message) => {
	if (message === 'close') {
		for (const request of requests) request.destroy();
		process.exit(0);
	}
	const { origin, count, offset, localAddress, identifier } = message;
	// In steps of 250: the server's listen backlog (511) is not flooded with SYNs.
	for (let i = 0; i < count; i += 250) await Promise.all(Array.from({ length: Math.min(250, count - i) }, (_, j) => open(origin, offset + i + j, localAddress, identifier)));
	process.send?.({ opened: count });
});
