import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolResultSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Statement } from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../../src/core/logger.js';
import { ToolCatalog } from '../../src/mcp/catalog.js';
import { createMcpServer, type CommanderMcpServer } from '../../src/mcp/server.js';
import { CONTROL } from '../../src/registry/fields.js';
import {
  ActionItemSchema,
  HypothesisSchema,
  IncidentSchema,
  RoleAssignmentSchema,
  TimelineEventSchema,
} from '../../src/registry/schemas.js';
import type { Tool } from '../../src/registry/types.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { SEVERITIES } from '../../src/severity/signals.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ACTION_STATUSES, INCIDENT_STATUSES } from '../../src/store/types.js';
import { ALL_TOOLS, createRegistry } from '../../tools/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { recordFigures, soak } from '../support/figures.js';
import { makeGitRepo } from '../support/git-repo.js';
import {
  existing,
  fromSchema,
  hostileKey,
  hostileString,
  toolArguments,
  type Json,
  type JsonSchema,
} from './arbitraries.js';

/**
 * Thousands of generated inputs — wrong types, missing and extra fields, huge strings, odd Unicode,
 * escapes, prototype keys, SQL, shell and path metacharacters, and valid-shaped inputs mutated field
 * by field — sent to every tool through the MCP server (SDK client, JSON on the wire) over a real
 * SQLite file. Every answer is a valid result or a clear error, errors write nothing, read-only
 * tools write nothing, and the store stays intact and valid throughout.
 */

/** Inputs per tool: 150 by default (a few seconds of calls through the SDK), times IC_SOAK. */
const RUNS_PER_TOOL = Math.round(150 * soak());
/** Fixed for reproducible runs; fast-check prints the seed and path of a failure. IC_HOSTILE_SEED explores others. */
const SEED = Number(process.env['IC_HOSTILE_SEED'] ?? 20_261_126);
/** A generous bound per call: far above normal, low enough to catch catastrophic regex backtracking. */
const SLOW_CALL_MS = 3_000;
const ERROR_TEXT_MAX = 16_000;
const EXPECTED_CODES = new Set(['invalid_input', 'not_found', 'conflict']);
/** Words that mean internals leaked into a message meant for a person or a model. */
const INTERNALS =
  /\bundefined\b|\[object Object\]|\bNaN\b|Invalid Date|Invalid time value|SQLITE_|TypeError|RangeError|ZodError/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Fields that name something (an incident, an item, a service, a file-like zone or alert): each gets every payload below. */
const ID_LIKE = /^(?:incidentId|id|service|services|alert|timeZone|members|owner)$/;
const TARGETED = [
  '../../etc/passwd',
  '../../../../../../../../etc/shadow',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  'file:///etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'INC-1\u0000',
  'payment-api\u0000.jsonl',
  '\u0000',
  "'; DROP TABLE incidents; --",
  "INC-1' OR '1'='1",
  '$(rm -rf /)',
  '`touch /tmp/pwned`',
  'payment-api | cat /etc/passwd; echo',
  '--upload-pack=touch /tmp/pwned',
  '__proto__',
];

type CallResult = z.infer<typeof CallToolResultSchema>;

type InputKind = 'valid' | 'mutated' | 'hostile' | 'targeted';

interface ToolFigures {
  inputs: number;
  valid: number;
  mutated: number;
  hostile: number;
  targeted: number;
  successes: number;
  errors: number;
  errorCodes: Record<string, number>;
  slowestMs: number;
  callMs: number;
  longestErrorChars: number;
}

let home: string;
let clock: FakeClock;
let store: SqliteStore;
let runtime: Runtime;
let mcp: CommanderMcpServer;
let client: Client;
const transportErrors: string[] = [];
let protocolInputs = 0;
const outputs = new Map<string, z.ZodType>();
const figures = new Map<string, ToolFigures>();
let homeFiles: string[] = [];
const protoKeys = {
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  function: Object.getOwnPropertyNames(Function.prototype).sort(),
  string: Object.getOwnPropertyNames(String.prototype).sort(),
};

/** JSON on the wire, both ways, as over stdio or HTTP: what cannot be serialised fails here, not in production. */
function overJson(transport: Transport): Transport {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => send(JSON.parse(JSON.stringify(message)) as typeof message, options);
  return transport;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(home, join(e.parentPath, e.name)))
    .filter((f) => !/^state\.db/.test(f) && !/^repos\/payment-api\/\.git\//.test(f))
    .sort();
}

/**
 * What any write would change. Every store write raises its incident's version in the same transaction
 * (the store contract), so the sum of versions moves with any write; the highest row numbers catch
 * inserts (nothing is ever deleted). Also keeps the id hints current.
 */
let fingerprintQuery: Statement | undefined;
function fingerprint(): string {
  fingerprintQuery ??= store.db
    .prepare(
      `SELECT (SELECT coalesce(sum(version), 0) FROM incidents), (SELECT max(number) FROM incidents), (SELECT max(seq) FROM timeline),
              (SELECT max(seq) FROM severity_changes), (SELECT max(seq) FROM role_assignments), (SELECT max(number) FROM stakeholder_updates),
              (SELECT max(number) FROM action_items), (SELECT max(number) FROM hypotheses), (SELECT count(*) FROM sessions)`,
    )
    .raw(true);
  const row = fingerprintQuery.get() as (number | null)[];
  existing.INC = row[1] ?? 1;
  existing.AI = row[6] ?? 1;
  existing.H = row[7] ?? 1;
  return row.join(' ');
}

/** JSON, with what JSON leaves raw (DEL, C1 controls) escaped too, cut to a readable length. */
function short(value: unknown): string {
  const text = (JSON.stringify(value) ?? String(value)).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  return out;
}

function checkPrototypes(): void {
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'isAdmin', 'a', 'title']) {
    expect(probe[key], `Object.prototype.${key} was polluted`).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>)[key], `Array.prototype.${key} was polluted`).toBeUndefined();
  }
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys.object);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(protoKeys.array);
  expect(Object.getOwnPropertyNames(Function.prototype).sort()).toEqual(protoKeys.function);
  expect(Object.getOwnPropertyNames(String.prototype).sort()).toEqual(protoKeys.string);
}

/** Checks of meaning, where a hostile name could vanish without breaking the schema: a problem, or null. */
const SEMANTIC: Record<string, (output: Record<string, unknown>) => string | null> = {
  plan_oncall_rotation: (output) => {
    const members = (output['settings'] as { members: string[] }).members;
    const shares = output['shares'] as Record<string, unknown>;
    const lost = members.filter((m) => !Object.hasOwn(shares, m));
    return lost.length ? `no share for ${short(lost)}` : null;
  },
};

/** Fails with the message, built only when it fails (the inputs are big; thousands of calls pass). */
function ensure(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(message());
}

/** An error result a person or a model can act on: the code, the field or problem, what to do; no internals. */
function checkError(tool: string, text: string, args: unknown): string {
  const where = (): string => `${tool} ${short(args)}\n→ ${short(text)}`;
  const m = /^Error \(([a-z_]+)\) in ([a-z_]+): ([\s\S]+)\nWhat to do: ([\s\S]+)$/.exec(text);
  ensure(m !== null, () => `error text has the wrong shape: ${where()}`);
  const [, code, named, message, hint] = m!;
  ensure(EXPECTED_CODES.has(code!), () => `unexpected error code ${code}: ${where()}`);
  ensure(
    named === tool && message!.trim().length > 5 && hint!.trim().length > 5,
    () => `error text without a message or a hint: ${where()}`,
  );
  if (code === 'invalid_input')
    ensure(/field "[^"]+": \S/.test(message!), () => `an input error must name the field: ${where()}`);
  ensure(!/\n\s+at [\w.<>]+ \(|node:internal|\.ts:\d+:\d+/.test(text), () => `stack trace in an error: ${where()}`);
  // The caller's own words come back quoted ("NaN", "undefined"): only the rest must be free of internals.
  const ours = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  ensure(!INTERNALS.test(ours), () => `internal wording (${INTERNALS.exec(ours)?.[0]}) in an error: ${where()}`);
  ensure(!CONTROL.test(text.replaceAll('\n', ' ')), () => `control characters in an error: ${where()}`);
  ensure(!LONE_SURROGATE.test(text), () => `lone surrogate in an error: ${where()}`);
  ensure(text.length <= ERROR_TEXT_MAX, () => `error text of ${text.length} characters: ${where()}`);
  return code!;
}

/** One call through the MCP client, with every per-call check. */
async function callAndCheck(tool: Tool, args: Record<string, unknown>, kind: InputKind): Promise<void> {
  const stats = figures.get(tool.name)!;
  stats.inputs++;
  stats[kind]++;
  const before = fingerprint();
  const sent = performance.now();
  let result: CallResult;
  try {
    result = (await client.callTool({ name: tool.name, arguments: args }, undefined, {
      timeout: 15_000,
    })) as CallResult;
  } catch (error) {
    throw new Error(
      `${tool.name} threw out of the transport: ${error instanceof Error ? error.message : String(error)}\nargs: ${short(args)}`,
    );
  }
  const ms = performance.now() - sent;
  stats.callMs += ms;
  stats.slowestMs = Math.max(stats.slowestMs, Math.round(ms));
  ensure(ms < SLOW_CALL_MS, () => `${tool.name} took ${Math.round(ms)} ms for ${short(args)}`);
  clock.advanceMinutes(1);
  const after = fingerprint();
  const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
  if (result.isError) {
    const code = checkError(tool.name, text, args);
    stats.errors++;
    stats.errorCodes[code] = (stats.errorCodes[code] ?? 0) + 1;
    stats.longestErrorChars = Math.max(stats.longestErrorChars, text.length);
    ensure(result.structuredContent === undefined, () => `an error with structured content: ${tool.name}`);
    ensure(
      after === before,
      () =>
        `a failed ${tool.name} call wrote to the store: ${short(args)}\n→ ${short(text)}\nbefore ${before}\nafter  ${after}`,
    );
    return;
  }
  stats.successes++;
  const output = outputs.get(tool.name)!.safeParse(result.structuredContent);
  ensure(output.success, () => `${tool.name} output does not match its schema: ${short(output.error?.issues)}`);
  ensure(
    text === JSON.stringify(result.structuredContent),
    () => `${tool.name}: the text content is not the structured content as JSON`,
  );
  for (const s of strings(result.structuredContent))
    ensure(!CONTROL.test(s), () => `${tool.name} returned control characters in ${short(s)} for ${short(args)}`);
  const semantic = SEMANTIC[tool.name]?.(result.structuredContent as Record<string, unknown>);
  ensure(!semantic, () => `${tool.name}: ${semantic} for ${short(args)}`);
  if (tool.annotations.readOnlyHint)
    ensure(after === before, () => `read-only ${tool.name} wrote to the store for ${short(args)}`);
}

// --- Reading the whole store back -------------------------------------------------------------

const iso = z.string().regex(ISO_UTC, 'an ISO 8601 UTC time');
const trimmedText = z
  .string()
  .min(1)
  .refine((s) => s === s.trim(), 'trimmed');
const StoredIncident = IncidentSchema.extend({
  id: z.string().regex(/^INC-\d+$/),
  title: trimmedText,
  startedAt: iso,
  detectedAt: iso,
  acknowledgedAt: iso.nullable(),
  mitigatedAt: iso.nullable(),
  resolvedAt: iso.nullable(),
  createdAt: iso,
  updatedAt: iso,
  postmortemPublishedAt: iso.nullable(),
  services: z.array(trimmedText),
}).strict();
const StoredEvent = TimelineEventSchema.extend({
  incidentId: z.string(),
  recordedAt: iso,
  at: iso,
  author: trimmedText,
}).strict();
const StoredItem = ActionItemSchema.omit({ overdue: true })
  .extend({
    id: z.string().regex(/^AI-\d+$/),
    title: trimmedText,
    owner: trimmedText,
    createdBy: trimmedText,
    dueAt: iso,
    createdAt: iso,
    updatedAt: iso,
    completedAt: iso.nullable(),
  })
  .strict();
const StoredHypothesis = HypothesisSchema.omit({ expired: true, expiresAt: true, minutesLeft: true, clockBehind: true })
  .extend({
    id: z.string().regex(/^H-\d+$/),
    incidentId: z.string(),
    statement: trimmedText,
    owner: trimmedText,
    startedAt: iso,
    resolvedAt: iso.nullable(),
    timeboxMinutes: z.number().int().min(1).max(240),
  })
  .strict();
const StoredRole = RoleAssignmentSchema.omit({ title: true })
  .extend({ incidentId: z.string(), assignedBy: trimmedText, assignedAt: iso })
  .strict();
const StoredUpdate = z
  .object({
    id: z.string().regex(/^UPD-\d+$/),
    incidentId: z.string(),
    audience: z.enum(['engineering', 'executive', 'customer']),
    at: iso,
    author: trimmedText,
    status: z.enum(INCIDENT_STATUSES),
    headline: z.string().min(1),
    body: z.string().min(1),
    noChange: z.boolean(),
    nextUpdateAt: iso.nullable(),
  })
  .strict();
const StoredSeverityChange = z
  .object({
    incidentId: z.string(),
    at: iso,
    from: z.enum(SEVERITIES).nullable(),
    to: z.enum(SEVERITIES),
    reason: z.string().min(1),
    author: trimmedText,
    criteria: z.array(z.string()),
  })
  .strict();

function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  ensure(parsed.success, () => `invalid ${what} in the store: ${short(parsed.error?.issues)}\n${short(value)}`);
  for (const s of strings(value)) {
    ensure(!CONTROL.test(s), () => `control characters stored in ${what}: ${short(s)}`);
    ensure(!LONE_SURROGATE.test(s), () => `lone surrogate stored in ${what}: ${short(s)}`);
  }
}

/** Integrity, foreign keys, and every row read back through the store API and validated. */
async function verifyStore(): Promise<Record<string, number>> {
  expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(store.db.pragma('foreign_key_check')).toEqual([]);
  const counts = { incidents: 0, timeline: 0, actionItems: 0, hypotheses: 0, updates: 0, roles: 0, severityChanges: 0 };
  const incidents = await store.listIncidents({ limit: 1_000_000 });
  expect(incidents.length).toBe(Number(store.db.prepare('SELECT count(*) FROM incidents').pluck().get()));
  for (const incident of incidents) {
    counts.incidents++;
    valid(StoredIncident, incident, `incident ${incident.id}`);
    expect(await store.getIncident(incident.id)).toEqual(incident);
    const where = `${incident.id} (${incident.status})`;
    expect(incident.detectedAt >= incident.startedAt, `${where} detected before it started`).toBe(true);
    expect(incident.status === 'resolved', `${where} resolvedAt ${incident.resolvedAt}`).toBe(
      incident.resolvedAt !== null,
    );
    if (incident.resolvedAt)
      expect(incident.resolvedAt >= incident.startedAt, `${where} resolved before it started`).toBe(true);
    if (incident.mitigatedAt)
      expect(
        incident.mitigatedAt >= incident.startedAt,
        `${where} mitigated (${incident.mitigatedAt}) before it started (${incident.startedAt})`,
      ).toBe(true);
    if (incident.mitigatedAt && incident.resolvedAt)
      expect(incident.mitigatedAt <= incident.resolvedAt, `${where} mitigated after it was resolved`).toBe(true);

    const timeline = await store.listTimeline(incident.id);
    expect(timeline.length).toBe(await store.countTimeline(incident.id));
    for (const e of timeline) valid(StoredEvent, e, `timeline event ${e.seq} of ${incident.id}`);
    counts.timeline += timeline.length;
    for (const h of await store.listHypotheses(incident.id)) {
      valid(StoredHypothesis, h, `hypothesis ${h.id}`);
      expect(h.status === 'open', `${h.id} ${h.status} resolvedAt ${h.resolvedAt}`).toBe(h.resolvedAt === null);
      expect(await store.getHypothesis(h.id)).toEqual(h);
      counts.hypotheses++;
    }
    for (const u of await store.listUpdates(incident.id)) {
      valid(StoredUpdate, u, `update ${u.id}`);
      counts.updates++;
    }
    for (const r of await store.listRoles(incident.id)) {
      valid(StoredRole, r, `role ${r.role} of ${incident.id}`);
      counts.roles++;
    }
    for (const c of await store.severityHistory(incident.id)) {
      valid(StoredSeverityChange, c, `severity change of ${incident.id}`);
      counts.severityChanges++;
    }
  }
  const items = await store.listActionItems({ status: ACTION_STATUSES });
  for (const item of items) {
    valid(StoredItem, item, `action item ${item.id}`);
    expect(
      item.status === 'done' || item.status === 'wont_do',
      `${item.id} ${item.status} completedAt ${item.completedAt}`,
    ).toBe(item.completedAt !== null);
    expect(await store.getActionItem(item.id)).toEqual(item);
    expect(incidents.some((i) => i.id === item.incidentId)).toBe(true);
  }
  counts.actionItems = items.length;
  // The API showed every row: nothing is stored that the reads above skipped.
  const rows = (table: string): number => Number(store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  expect([counts.timeline, counts.actionItems, counts.hypotheses, counts.updates, counts.severityChanges]).toEqual([
    rows('timeline'),
    rows('action_items'),
    rows('hypotheses'),
    rows('stakeholder_updates'),
    rows('severity_changes'),
  ]);
  return counts;
}

// --- Setup -------------------------------------------------------------------------------------

function writeHome(dir: string): void {
  makeGitRepo(join(dir, 'repos', 'payment-api'), [
    { at: '2026-11-26T12:20:00Z', subject: 'Tune connection pool' },
    { at: '2026-11-26T13:35:00Z', subject: 'Bump payment gateway timeout', author: 'Priya' },
  ]);
  mkdirSync(join(dir, 'deploys'), { recursive: true });
  writeFileSync(
    join(dir, 'deploys', 'payment-api.jsonl'),
    [
      JSON.stringify({
        service: 'payment-api',
        at: '2026-11-26T13:38:00Z',
        version: 'v2.14.0',
        commit: 'abc1234',
        author: 'Priya',
        description: 'gateway client upgrade',
        status: 'succeeded',
      }),
      'not json at all',
      JSON.stringify({
        payload: {
          summary: 'Config change: pool size 20',
          timestamp: '2026-11-26T13:45:00Z',
          source: 'payment-api',
          custom_details: {},
        },
      }),
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'services.yaml'),
    [
      'services:',
      '  payment-api:',
      '    display_name: Checkout',
      '    aliases: [payments]',
      '    customer_facing: true',
      '    revenue_path: true',
      '    repo: ./repos/payment-api',
      '    deploy_log: ./deploys/payment-api.jsonl',
      '    alerts:',
      '      - name: CheckoutErrorRateHigh',
      '      - name: PaymentGatewayTimeouts',
      '  search:',
      '    display_name: Search',
      '    customer_facing: true',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'roster.yaml'),
    [
      'people:',
      '  - name: Priya',
      '    owns: [payment-api]',
      '    on_call: true',
      '  - name: Sam',
      '    can_serve: [incident_commander, communications_lead]',
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'runbooks'), { recursive: true });
  writeFileSync(
    join(dir, 'runbooks', 'checkout-error-rate.md'),
    [
      '---',
      'title: Checkout error rate high',
      'services: [payment-api]',
      'alerts: [CheckoutErrorRateHigh]',
      'owner: payments-oncall',
      'last_tested: 2026-10-02',
      '---',
      '1. Recent changes first: roll back a deploy that lines up with the start.',
      '',
    ].join('\n'),
  );
}

async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = (await client.callTool({ name, arguments: args })) as CallResult;
  expect(r.isError ?? false, `${name}: ${JSON.stringify(r.content)}`).toBe(false);
  return r.structuredContent!;
}

async function seed(): Promise<void> {
  await ok('open_incident', {
    title: 'Checkout failing: payment API 500s',
    description: "customers can't check out",
    services: ['payment-api'],
    reporter: 'Alex',
    startedAt: '2026-11-26T13:40:00Z',
  });
  await ok('assign_roles', { incidentId: 'INC-1', incidentCommander: 'Sam' });
  await ok('start_hypothesis', {
    incidentId: 'INC-1',
    statement: 'the v2.14.0 gateway client exhausts the DB pool',
    owner: 'Priya',
  });
  await ok('start_hypothesis', { incidentId: 'INC-1', statement: 'postgres-main is saturated', owner: 'Chen Wei' });
  await ok('create_action_item', {
    incidentId: 'INC-1',
    title: 'Alert on checkout error rate',
    owner: 'Priya',
    due: '14d',
    kind: 'detect',
  });
  await ok('draft_stakeholder_update', {
    incidentId: 'INC-1',
    audience: 'customer',
    customerSummary: 'payment processing errors',
  });
  await ok('open_incident', { title: 'Search slow for some users', services: ['search'], reporter: 'Dana' });
  await ok('log_event', { incidentId: 'INC-2', text: 'p99 latency 4 s on search', kind: 'observation' });
  await ok('open_incident', {
    title: 'Login errors after config push',
    description: 'some users cannot log in',
    startedAt: '2026-11-26T11:00:00Z',
  });
  await ok('resolve_incident', { incidentId: 'INC-3', resolution: 'config reverted at 11:40' });
  await ok('create_action_item', {
    incidentId: 'INC-3',
    title: 'Validate config before push',
    owner: 'Sam',
    due: '7d',
    kind: 'prevent',
  });
}

/** A live incident with an open hypothesis and an open action item, so the next tool's newest ids are live ones. */
async function topUp(): Promise<void> {
  const opened = await ok('open_incident', {
    title: 'Checkout latency high',
    services: ['payment-api'],
    reporter: 'Alex',
  });
  const id = (opened['incident'] as { id: string }).id;
  await ok('start_hypothesis', { incidentId: id, statement: 'the new gateway client is slow', owner: 'Priya' });
  await ok('create_action_item', {
    incidentId: id,
    title: 'Alert on checkout latency',
    owner: 'Priya',
    due: '14d',
    kind: 'detect',
  });
  fingerprint();
}

let started = 0;

beforeAll(async () => {
  started = performance.now();
  home = mkdtempSync(join(tmpdir(), 'ic-hostile-'));
  writeHome(home);
  clock = new FakeClock();
  store = new SqliteStore(join(home, 'state.db'), { now: () => clock.now() });
  runtime = openRuntime({
    env: { PATH: process.env['PATH'] ?? '', HOME: home, INCIDENT_COMMANDER_HOME: home },
    registry: createRegistry(),
    logger: silentLogger(),
    clock,
    store,
  });
  mcp = createMcpServer(runtime, new ToolCatalog(runtime.registry));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  mcp.server.onerror = (error) => void transportErrors.push(`server: ${error.message}`);
  await mcp.server.connect(overJson(serverSide));
  client = new Client({ name: 'hostile-input', version: '1.0.0' });
  client.onerror = (error) => void transportErrors.push(`client: ${error.message}`);
  await client.connect(overJson(clientSide));
  await client.listTools(); // the client then validates structured content against each output schema too
  for (const tool of ALL_TOOLS) {
    const module = (await import(/* @vite-ignore */ `../../tools/${tool.name.replaceAll('_', '-')}.js`)) as Record<
      string,
      unknown
    >;
    const output = Object.entries(module).find(([name]) => name.endsWith('Output'))?.[1] as z.ZodType | undefined;
    if (!output) throw new Error(`tools/${tool.name.replaceAll('_', '-')}.ts exports no <name>Output schema`);
    outputs.set(tool.name, output);
    figures.set(tool.name, {
      inputs: 0,
      valid: 0,
      mutated: 0,
      hostile: 0,
      targeted: 0,
      successes: 0,
      errors: 0,
      errorCodes: {},
      slowestMs: 0,
      callMs: 0,
      longestErrorChars: 0,
    });
  }
  await seed();
  homeFiles = listFiles(home);
});

afterAll(async () => {
  await client?.close();
  await mcp?.close();
  await runtime?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

// --- Properties --------------------------------------------------------------------------------

describe('hostile input through the MCP server', () => {
  ALL_TOOLS.forEach((tool, index) => {
    it(`${tool.name}: every input gets a valid result or a clear error that wrote nothing`, async () => {
      const schema = z.toJSONSchema(tool.input, {
        io: 'input',
        target: 'draft-2020-12',
        unrepresentable: 'any',
      }) as JsonSchema;
      await topUp();
      let calls = 0;
      await fc.assert(
        fc.asyncProperty(toolArguments(tool.name, schema), async ({ kind, args }) => {
          await callAndCheck(tool, args as Record<string, unknown>, kind);
          if (++calls % 25 === 0) await client.ping();
        }),
        // The store is shared and stateful, so no shrinking: the counterexample is reported as it was sent.
        { numRuns: RUNS_PER_TOOL, seed: SEED + index, endOnFailure: true },
      );
      // Every id-like or path-like field also gets each traversal, injection and NUL payload, not only by chance.
      const base = fc.sample(fromSchema(tool.name, schema), { numRuns: 1, seed: SEED + index })[0] as Record<
        string,
        unknown
      >;
      for (const [key, field] of Object.entries(schema.properties ?? {})) {
        if (!ID_LIKE.test(key)) continue;
        for (const payload of TARGETED)
          await callAndCheck(
            tool,
            { ...base, [key]: field.type === 'array' ? ['payment-api', payload] : payload },
            'targeted',
          );
      }
      await client.ping();
      await client
        .callTool({ name: 'get_incident', arguments: { incidentId: 'INC-1' } })
        .then((r) => expect(r.isError ?? false).toBe(false));
      await verifyStore();
      checkPrototypes();
      expect(listFiles(home), 'a tool call created or removed a file').toEqual(homeFiles);
      expect(transportErrors).toEqual([]);
    });
  });

  it('tools/call with a bad name or non-object arguments is a protocol error, and the server keeps serving', async () => {
    const junkArguments = fc.oneof(
      hostileString as fc.Arbitrary<Json>,
      fc.constantFrom<Json>(null, 42, true, [], ['INC-1'], [{ incidentId: 'INC-1' }]),
    );
    const names = fc.oneof(
      hostileString,
      hostileKey,
      fc.constantFrom('get_incident ', 'GET_INCIDENT', 'get-incident', 'open_incident\u0000', '../tools/open-incident'),
    );
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ name: names, arguments: fc.constant<Json>({}) }),
          fc.record({ name: fc.constantFrom(...ALL_TOOLS.map((t) => t.name)), arguments: junkArguments }),
        ),
        async (params) => {
          const before = fingerprint();
          calls++;
          protocolInputs++;
          const outcome = await client
            .request({ method: 'tools/call', params: params as never }, CallToolResultSchema, { timeout: 15_000 })
            .then(
              (result) => ({ result }),
              (error: unknown) => ({ error }),
            );
          if ('result' in outcome) {
            // Only a known tool with arguments the SDK accepted as an object can answer; it must still be a clean error.
            expect(outcome.result.isError, `accepted junk: ${short(params)}`).toBe(true);
            checkError(String(params.name), (outcome.result.content[0] as { text: string }).text, params.arguments);
          } else {
            expect(outcome.error).toBeInstanceOf(McpError);
            const error = outcome.error as McpError;
            // Params that are not {name: string, arguments?: object}, or an unknown tool: Invalid params (-32602),
            // the caller's mistake, with a zod issue list or the tool list and no input echoed.
            expect(error.code).toBe(ErrorCode.InvalidParams);
            expect(error.message).toMatch(/Invalid tools\/call request: .*"path": \[\s*"params",|unknown tool/s);
            ensure(
              !CONTROL.test(error.message),
              () => `control characters in a protocol error: ${short(error.message)}`,
            );
            ensure(
              error.message.length <= ERROR_TEXT_MAX,
              () => `protocol error of ${error.message.length} characters: ${short(error.message)}`,
            );
          }
          expect(fingerprint()).toBe(before);
          if (calls % 25 === 0) await client.ping();
        },
      ),
      { numRuns: RUNS_PER_TOOL, seed: SEED - 1, endOnFailure: true },
    );
    await client.ping();
    checkPrototypes();
    expect(transportErrors).toEqual([]);
  });

  it('leaves an intact store, unpolluted prototypes, and records the figures', async () => {
    const counts = await verifyStore();
    checkPrototypes();
    const perTool = Object.fromEntries([...figures].map(([name, f]) => [name, f]));
    const totals = [...figures.values()].reduce(
      (t, f) => ({ inputs: t.inputs + f.inputs, errors: t.errors + f.errors, successes: t.successes + f.successes }),
      { inputs: 0, errors: 0, successes: 0 },
    );
    for (const [name, f] of figures) {
      expect(f.inputs - f.targeted, `${name} was not exercised`).toBe(RUNS_PER_TOOL);
      expect(f.errors, `${name} never refused anything`).toBeGreaterThan(0);
      expect(f.successes, `${name} never got past validation`).toBeGreaterThan(0);
    }
    recordFigures('hostile-input', {
      tools: ALL_TOOLS.length,
      seed: SEED,
      inputsPerTool: Object.fromEntries([...figures].map(([name, f]) => [name, f.inputs])),
      totalInputs: totals.inputs,
      protocolInputs,
      errorsReturned: totals.errors,
      successes: totals.successes,
      perTool,
      storeRows: counts,
      integrity: 'ok',
      seconds: Math.round((performance.now() - started) / 100) / 10,
    });
  });
});
