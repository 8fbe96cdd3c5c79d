import type { z } from 'zod';
import type { FieldIssue } from './errors.js';

/** Dotted path for humans and models: `assignments.scribe`, `tools[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(input)';
}

/**
 * Caller text quoted for a message, cut to `max` characters. JSON escapes C0 controls and unpaired
 * surrogates but leaves DEL and the C1 controls (CSI, OSC: terminal escapes) raw, so those are escaped too.
 */
export function quote(value: string, max = 40): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(cut).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Unknown keys named in a message: each quoted and cut, at most ten of them (a hostile input can send thousands). */
function quoteKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, 10).map((k) => quote(k));
  return keys.length > shown.length ? `${shown.join(', ')} and ${keys.length - shown.length} more` : shown.join(', ');
}

function describeReceived(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return input.length > 40 ? `a ${input.length}-character string` : quote(input);
  if (typeof input === 'object') return 'an object';
  return `${typeof input} ${String(input)}`;
}

function problemOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `is required (expected ${issue.expected})`;
      return `expected ${issue.expected === 'int' ? 'a whole number' : issue.expected}, got ${describeReceived(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined)
        return `is required: one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeReceived(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'string') return `must be at least ${String(issue.minimum)} characters`;
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item(s)`;
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters`;
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} item(s)`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
    case 'unrecognized_keys':
      return `unknown field(s) ${quoteKeys(issue.keys)}`;
    case 'invalid_key':
      return `is not a valid name: ${issue.issues.map((i) => i.message).join('; ')}`;
    case 'invalid_format':
      return issue.message && !issue.message.startsWith('Invalid') ? issue.message : `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

/**
 * Turns a ZodError into field issues that name the field, the problem and, for unknown keys,
 * the fields that are accepted there.
 */
export function zodIssues(
  error: z.ZodError,
  knownFields?: (path: readonly PropertyKey[]) => readonly string[] | undefined,
): FieldIssue[] {
  return error.issues.map((issue) => {
    let problem = problemOf(issue);
    if (issue.code === 'unrecognized_keys') {
      const known = knownFields?.(issue.path);
      if (known && known.length > 0) problem += `; accepted fields here: ${known.join(', ')}`;
    }
    return { field: formatPath(issue.path), problem };
  });
}

/** Known keys at a path of an object schema, for "accepted fields" hints. */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): readonly string[] | undefined {
  let current: unknown = schema;
  for (const key of path) {
    current = unwrap(current);
    if (typeof key === 'number') {
      const element = (current as { element?: unknown } | undefined)?.element;
      if (!element) return undefined;
      current = element;
    } else {
      const shape = (current as { shape?: Record<string, unknown> } | undefined)?.shape;
      if (!shape || !(String(key) in shape)) return undefined;
      current = shape[String(key)];
    }
  }
  const shape = (unwrap(current) as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : undefined;
}

function unwrap(schema: unknown): unknown {
  let current = schema as { unwrap?: () => unknown; def?: { type?: string; innerType?: unknown } } | undefined;
  for (let i = 0; i < 8 && current; i++) {
    const type = current.def?.type;
    if (
      type === 'optional' ||
      type === 'nullable' ||
      type === 'default' ||
      type === 'prefault' ||
      type === 'readonly'
    ) {
      current = current.def?.innerType as typeof current;
    } else {
      break;
    }
  }
  return current;
}
