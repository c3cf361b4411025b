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

/** What the server rendered a control with: the value it shows when nobody has touched it. */
function renderedValue(control: HTMLSelectElement | HTMLInputElement | HTMLTextAreaElement): string {
	if (!(control instanceof HTMLSelectElement)) return control.defaultValue;
	const options = Array.from(control.options);
	return (options.find((o) => o.defaultSelected) ?? options[0])?.value ?? '';
}

/**
 * The value of the form control with this id if the visitor changed it before the page
 * hydrated; else `fallback`. A control still showing what the server rendered says
 * nothing: offline, the service worker answers /shelters?hazard=flood with the page it
 * kept for /shelters, whose hazard is "any", and that must not override the address.
 */
export function chosenBefore(id: string, fallback: string): string {
	if (!hydrating()) return fallback;
	const control = document.getElementById(id);
	if (!(control instanceof HTMLSelectElement || control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement)) return fallback;
	return control.value === renderedValue(control) ? fallback : control.value;
}

/**
 * Whether the checkbox `selector` finds is ticked, if the visitor ticked or unticked it
 * before the page hydrated; else `fallback` (Svelte sets `checked={…}` back when it hydrates).
 */
export function checkedBefore(selector: string, fallback: boolean): boolean {
	if (!hydrating()) return fallback;
	const box = document.querySelector(selector);
	if (!(box instanceof HTMLInputElement) || box.checked === box.defaultChecked) return fallback;
	return box.checked;
}
