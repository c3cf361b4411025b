/**
 * What the visitor already chose in the server-rendered page before it hydrated.
 * Translations load as bundles of their own, so hydration comes well after the first
 * paint on a slow phone, and a choice made in between would be lost: Svelte adopts a
 * text field's or a checkbox's changed value when it hydrates, but sets a bound
 * <select> back to the state's starting value. Components start such state from here.
 */

/** Whether the page is hydrating now (the root layout marks <html> once it has). */
function hydrating(): boolean {
	return typeof document !== 'undefined' && !document.documentElement.hasAttribute('data-hydrated');
}

/** The value of the form control with this id as the visitor left it, while hydrating; else `fallback`. */
export function chosenBefore(id: string, fallback: string): string {
	if (!hydrating()) return fallback;
	const control = document.getElementById(id);
	return control instanceof HTMLSelectElement || control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement ? control.value : fallback;
}
