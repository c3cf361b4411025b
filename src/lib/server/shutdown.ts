/**
 * Graceful shutdown of a server process (SIGTERM from a deploy, SIGINT from a terminal).
 * adapter-node stops accepting connections and emits `sveltekit:shutdown` once every
 * request has ended — but a Server-Sent Events stream never ends on its own, so without
 * help it would wait SHUTDOWN_TIMEOUT (30 s) and then for ever on the LISTEN connection.
 * Here the streams are ended at once (browsers reconnect to a process still serving),
 * then the jobs, the fan-out and the database close; a deadline makes sure the process
 * is gone within 10 s whatever hangs.
 */
import { closeStreams } from './public/events';
import type { Services } from './services';

const DEADLINE_MS = 8000;

export function shutdownGracefully(services: Pick<Services, 'db' | 'close'>): void {
	let stopping = false;
	const onSignal = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		const streams = closeStreams(services.db);
		console.log(`safe-miyun: ${signal}: stopping (${streams} live stream(s) ended)`);
		// a stream opened while the server was closing is ended too
		const sweep = setInterval(() => closeStreams(services.db), 250);
		sweep.unref();
		const deadline = setTimeout(() => {
			console.error(`safe-miyun: shutdown did not finish within ${DEADLINE_MS / 1000} s; exiting`);
			process.exit(1);
		}, DEADLINE_MS);
		deadline.unref();
	};
	process.once('SIGTERM', onSignal);
	process.once('SIGINT', onSignal);
	process.once('sveltekit:shutdown', () => {
		services.close().then(
			() => console.log('safe-miyun: stopped'),
			(error) => console.error(`safe-miyun: stopping: ${(error as Error).message}`)
		);
	});
}
