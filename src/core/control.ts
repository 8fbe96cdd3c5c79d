/**
 * Control characters that free text from outside may not carry to a terminal or the store: NUL,
 * ESC, DEL and the C1 controls (8-bit CSI, OSC, DCS). Tab, CR and LF are not in it: callers that
 * want one line replace whitespace themselves.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: this is the one place that names them.
export const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** The same set, global: for `replace`. */
export const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/** Any C0 or C1 control, line breaks and tabs included: for names and other one-line fields. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: see CONTROL.
export const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: see CONTROL.
export const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
