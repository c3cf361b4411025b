/**
 * A small closed-loop load generator: `concurrency` clients, each sending its next
 * request when the previous answer has been read, on keep-alive connections, for at
 * most `seconds` or `maxRequests` (whichever comes first). Loopback only.
 */
import http from 'node:http';

export type LoadResult = { requests: number; rps: number; p50: number; p99: number; statuses: Record<string, number>; bytes: number };

export type LoadOptions = {
	concurrency: number;
	seconds: number;
	maxRequests: number;
	headers?: () => Record<string, string>;
};

function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

export async function load(target: string, options: LoadOptions): Promise<LoadResult> {
	const url = new URL(target);
	if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`load: loopback only, not ${url.hostname}`);
	const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
	const latencies: number[] = [];
	const statuses: Record<string, number> = {};
	let bytes = 0;
	let sent = 0;
	const started = performance.now();
	const deadline = started + options.seconds * 1000;

	const one = () =>
		new Promise<void>((resolve) => {
			const t0 = performance.now();
			const request = http.get(url, { agent, headers: options.headers?.() ?? {} }, (response) => {
				response.on('data', (chunk: Buffer) => (bytes += chunk.length));
				response.on('end', () => {
					latencies.push(performance.now() - t0);
					const key = String(response.statusCode);
					statuses[key] = (statuses[key] ?? 0) + 1;
					resolve();
				});
				response.on('error', () => resolve());
			});
			request.on('error', () => {
				statuses.error = (statuses.error ?? 0) + 1;
				resolve();
			});
		});

	const client = async () => {
		while (performance.now() < deadline && sent < options.maxRequests) {
			sent++;
			await one();
		}
	};
	await Promise.all(Array.from({ length: options.concurrency }, client));
	const elapsed = (performance.now() - started) / 1000;
	agent.destroy();
	latencies.sort((a, b) => a - b);
	return { requests: latencies.length, rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), statuses, bytes };
}
