/**
 * The stable codes of the subscriptions API's refusals, one rule for the server (which
 * words them in the request's language, `subscriptions.err_<code>`) and the subscribe pages.
 * `detail` is the technical English the checks produce (what a developer needs).
 */
export type ProblemCode = 'phone' | 'phone_taken' | 'places' | 'place_outside' | 'label_long' | 'until' | 'visit_until' | 'code' | 'push' | 'invalid';

export function problemCode(field: string, detail: string): ProblemCode {
	if (field === 'phone') return /already/.test(detail) ? 'phone_taken' : 'phone';
	if (field.startsWith('places') && field.endsWith('.label')) return 'label_long';
	if (field.startsWith('places')) return /outside/.test(detail) ? 'place_outside' : 'places';
	if (field === 'until') return /visit/.test(detail) ? 'visit_until' : 'until';
	if (field === 'code') return 'code';
	if (field.startsWith('push')) return 'push';
	return 'invalid';
}

/** A field's refusal as the API sends it. */
export type FieldProblem = { code: ProblemCode; message: string; detail: string };
