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

/**
 * Whole terminal escape sequences, 7-bit and 8-bit: CSI (cursor moves, clear screen, colours),
 * OSC (window title, clipboard writes, hyperlinks) ended by BEL or ST, DCS/SOS/PM/APC strings,
 * and two-character escapes. Removed whole, so no "[2J" is left behind.
 */
const ESCAPE_SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: see CONTROL.
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|(?:\u001b[PX^_]|[\u0090\u0098\u009e\u009f])[^\u001b\u009c]*(?:\u001b\\|\u009c)?|\u001b[ -~]?/g;

/** Bidirectional overrides and isolates: they make a terminal show text in an order it was not written in. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/g;

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never end on half a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Text from outside (model output, tool output, stored notes), made safe to print: escape
 * sequences and control characters removed, a carriage return that does not end a line (which
 * would let text overwrite what came before it) turned into a line break; tab and LF kept.
 */
export function printable(text: string, max = Number.POSITIVE_INFINITY): string {
  const clean = text
    .replace(ESCAPE_SEQUENCE, '')
    .replace(/\r\n/g, '\n')
    .replace(/\r/g, '\n')
    .replace(CONTROL_ALL, '')
    .replace(BIDI_CONTROL, '');
  return cut(clean, max);
}

/** The same on one line, for names and labels: line breaks and tabs become spaces, runs of spaces one. */
export function oneLine(text: string, max: number): string {
  return cut(
    text
      .replace(ESCAPE_SEQUENCE, '')
      .replace(BIDI_CONTROL, '')
      .replace(new RegExp(ANY_CONTROL.source, 'g'), ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  );
}
