/**
 * A coordinate or other decimal number as a person or a form sends it: an optional sign,
 * digits, an optional fraction. JavaScript's Number() also takes '0x28', '4e1', ' 40 ',
 * 'Infinity' and '' (as 0): an outside tester's `lat=0x28` was read as 40 and then told
 * "outside Miyun District". Every place that reads coordinates from text uses this.
 */
const PLAIN_DECIMAL = /^[+-]?(?:\d{1,12}(?:\.\d{0,15})?|\.\d{1,15})$/;

/** The number, or NaN when the text is no plain decimal number. Empty text is null (not given). */
export function plainDecimal(raw: string): number | null {
	const text = raw.trim();
	if (text === '') return null;
	return PLAIN_DECIMAL.test(text) ? Number(text) : NaN;
}
