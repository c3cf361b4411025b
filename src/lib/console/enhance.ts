/**
 * The console's forms, enhanced as SvelteKit's `enhance` does — except when the request
 * never reaches the server. SvelteKit then puts its error page in place of the page, and a
 * dispatcher on a bad signal loses what they had typed and where they were. Here the page
 * stays as it is, and the console says that the action did not go through and nothing
 * changed (`notSent`, shown by the console's layout), so they can send it again once the
 * network is back. Every other answer goes on to the form's own handling unchanged.
 */
import { enhance as kitEnhance } from '$app/forms';
import type { ActionResult, SubmitFunction } from '@sveltejs/kit';
import { notSent } from './connection.svelte';

/** A fetch that failed before any answer (offline, connection dropped) rejects with a TypeError. */
function unreachable(result: ActionResult): boolean {
	return result.type === 'error' && (result.error instanceof TypeError || (typeof navigator !== 'undefined' && !navigator.onLine));
}

export function enhance<Success extends Record<string, unknown> | undefined, Failure extends Record<string, unknown> | undefined>(
	form: HTMLFormElement,
	submit: SubmitFunction<Success, Failure> = () => {}
): { destroy(): void } {
	return kitEnhance<Success, Failure>(form, async (input) => {
		notSent.at = null;
		const after = await submit(input);
		return async (outcome) => {
			if (unreachable(outcome.result)) {
				notSent.at = new Date();
				// The form's own handling still runs (a busy flag goes back), but its update
				// leaves the page alone instead of putting the error page in its place.
				if (after) await after({ ...outcome, update: async () => {} });
				return;
			}
			if (after) await after(outcome);
			else await outcome.update();
		};
	});
}
