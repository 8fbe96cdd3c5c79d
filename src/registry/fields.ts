import { CONTROL } from '../core/control.js';
import { z } from 'zod';
import { parseIncidentId } from '../core/ids.js';
import { parseDuration, parseIsoTime } from '../core/time.js';

export { CONTROL };

/** Half of a UTF-16 surrogate pair: not a character, and SQLite would store it as U+FFFD while JSON columns keep it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Free text from outside: trimmed, bounded, and free of control characters (terminal escapes included). */
export function text(max: number, min = 1) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters (escape sequences, NUL); remove them')
    .refine(
      (s) => !LONE_SURROGATE.test(s),
      'must be valid Unicode: it contains half of a character (an unpaired surrogate); send whole characters',
    );
}

/** A person's name or handle. */
export const person = () => text(100).describe('A person: name or handle, e.g. "Priya" or "@priya".');

/** "INC-12", "inc-12" or "12", normalised to "INC-12". */
export const incidentId = () =>
  z
    .string()
    .trim()
    .refine((s) => parseIncidentId(s) !== null, 'must be an incident id such as "INC-12"')
    .transform((s) => parseIncidentId(s)!)
    .describe('Incident id, e.g. "INC-12".');

/** An ISO 8601 time with offset, or a bare date; returned as an ISO UTC string. */
export const isoTime = () =>
  z
    .string()
    .trim()
    .refine((s) => parseIsoTime(s) !== null, 'must be an ISO 8601 time with offset, such as "2026-11-26T14:05:00Z"')
    .transform((s) => parseIsoTime(s)!.toISOString());

/** A duration ("2h", "90m", "7d") or an ISO time; kept as text for the handler to resolve against the clock. */
export const durationOrTime = () =>
  z
    .string()
    .trim()
    .max(100)
    .refine(
      (s) => parseDuration(s) !== null || parseIsoTime(s) !== null,
      'must be a duration such as "2h", "90m", "7d" or an ISO 8601 time such as "2026-11-26T14:05:00Z"',
    );

export const limit = (fallback: number, max: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .describe(`Most items to return (default ${fallback}, at most ${max}).`);
