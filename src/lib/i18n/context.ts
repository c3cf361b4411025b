import { getContext, setContext } from 'svelte';
import type { TFunction } from 'i18next';

const KEY = Symbol('i18n');

/** Root layout: hands the current translate function down to shared components. */
export function setTranslator(current: () => TFunction): void {
	setContext(KEY, current);
}

/** Shared components: translate with the page's language (reads the current one on each call). */
export function translator(): TFunction {
	const current = getContext<() => TFunction>(KEY);
	return ((...args: Parameters<TFunction>) => current()(...args)) as TFunction;
}
