/**
 * A console action that did not reach the server (no network): what the console's layout
 * shows until the next action is sent. Set by lib/console/enhance.ts.
 */
export const notSent = $state<{ at: Date | null }>({ at: null });
