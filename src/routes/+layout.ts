import { makeT } from '$lib/i18n';
import { bundleFor, loadMessages } from '$lib/i18n/bundles';
import type { LayoutLoad } from './$types';

// The words come from the route group's bundle (cached chunks), not from the server's data.
export const load: LayoutLoad = async ({ data, route }) => ({
	...data,
	t: makeT(data.lang, await loadMessages(data.lang, bundleFor(route.id ?? '/')))
});
