import { error, isHttpError, json } from '@sveltejs/kit';
import { refuseUnstorable, unstorableInForm } from './unstorable-text';

/** A JSON error body an API client can act on: what is wrong, and where. */
export function apiError(status: number, error: string, details?: Record<string, unknown>, headers?: HeadersInit) {
	return json({ error, ...details }, { status, headers });
}

export function wantsJson(pathname: string, accept: string | null): boolean {
	return pathname.startsWith('/api/') || (accept?.includes('application/json') ?? false);
}

/** The i18n key a form action answers (400) when its body is not a well-formed form. */
export const FORM_MALFORMED = 'errors.form_malformed';

/**
 * A form post's fields, or null when the body is not a well-formed form (a multipart
 * body without a boundary, or cut off): that is the client's fault, so the action
 * answers 400 and names it, where `request.formData()` alone would throw into a 500.
 * SvelteKit's own refusals (a body over the size limit: 413) pass through unchanged.
 * A field with text the database cannot store (NUL, a lone surrogate) answers 400
 * naming it (`text_unstorable`, unstorable-text.ts) before any action sees the form.
 */
export async function readForm(request: Request, textLimit = TEXT_FIELD_BYTES): Promise<FormData | null> {
	let form: FormData;
	try {
		form = await request.formData();
	} catch (e) {
		if (isHttpError(e)) throw e;
		return null;
	}
	return storable(form, textLimit);
}

/**
 * The longest text field (not a file) a form takes, in UTF-8 bytes: a report's description
 * is at most 2,000 characters, so 64 KB is far past every field a person types. Past it the
 * answer is 413 naming the field and the limit, and the text is never echoed back into
 * the page (a 70 KB description came back whole in the form's 400).
 */
export const TEXT_FIELD_BYTES = 64 * 1024;
/** The message (and App.Error `message`) of a text field over the limit. */
export const FIELD_TOO_LARGE = 'field_too_large';

/** The form itself, once every text field in it can be stored and is within the limit; else the 400 or 413 naming the field. */
export function storable(form: FormData, textLimit = TEXT_FIELD_BYTES): FormData {
	const field = unstorableInForm(form);
	if (field) refuseUnstorable(field);
	for (const [name, value] of form.entries()) {
		if (typeof value === 'string' && value.length > textLimit / 3 && Buffer.byteLength(value) > textLimit) {
			error(413, { message: FIELD_TOO_LARGE, field: name, limit: textLimit });
		}
	}
	return form;
}

/**
 * A form action's fields; a body that is not a well-formed form answers 400 through the
 * error page ("form_malformed", worded in the page's language), never a 500. For actions
 * that have no form of their own to show the problem in (readForm is for those that do).
 */
export async function formOf(request: Request, textLimit = TEXT_FIELD_BYTES): Promise<FormData> {
	const form = await readForm(request, textLimit);
	if (!form) error(400, 'form_malformed');
	return form;
}
