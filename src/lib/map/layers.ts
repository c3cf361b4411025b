/** Which layers a map request asks for (client-safe: the page's form and the server read it alike). */
import type { LayerName } from './types';

/**
 * The layers ticked in a submitted form (`?set=1&layer=…`), or all `offered` on a
 * first visit. `set` tells "nothing ticked" apart from "never asked".
 */
export function layersFrom(params: URLSearchParams, offered: readonly LayerName[]): LayerName[] {
	if (!params.has('set')) return [...offered];
	const asked = params.getAll('layer');
	return offered.filter((l) => asked.includes(l));
}
