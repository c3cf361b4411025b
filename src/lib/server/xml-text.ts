/**
 * Text written into XML we serve (CAP documents, the Atom feed, Open311's XML). XML 1.0
 * forbids C0 control characters other than tab, LF and CR, lone surrogates and U+FFFE/FFFF:
 * one of them makes the whole document not well-formed for a strict reader. Input refuses
 * them (unstorable-text.ts, and SQL on the warning text), but rows stored before that rule,
 * or written by a path that does not check, must still not break a feed: they are dropped here.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with the characters XML 1.0 forbids removed. */
export function xmlChars(value: string): string {
	return value.replace(NOT_XML, '');
}

/** Text for an element's content or a quoted attribute. */
export function escapeXml(value: string): string {
	return xmlChars(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
