import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { silentLogger } from '../core/logger.js';
import { Playbook } from '../playbook/playbook.js';
import { loadSoul, type Soul } from '../soul/load.js';
import type { Limits } from '../soul/schema.js';
import { TOOL_NAMES } from '../../tools/index.js';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeStep } from '../../test/support/fake-anthropic.js';
import { ClaudeModel } from './claude-model.js';
import { Agent, type TurnOutput } from './loop.js';
import { newSession, type Session } from './session.js';
import { type ModelPort, type ModelRequest, ModelRequestError, type ModelResponse, ZERO_USAGE } from './types.js';

let fake: FakeAnthropic;
let h: Harness;
let soul: Soul;
let session: Session;
let texts: string[];
let notices: string[];
let output: TurnOutput;

function agent(
  limits: Partial<Limits> = {},
  options: { fallback?: boolean; streamRetries?: number; maxRetries?: number } = {},
): Agent {
  const model = new ClaudeModel({
    apiKey: 'test-key',
    baseURL: fake.url,
    maxRetries: options.maxRetries ?? 2,
    timeoutMs: 3000,
    streamRetries: options.streamRetries ?? 2,
    backoffMs: 5,
    logger: silentLogger(),
  });
  const playbook = new Playbook(() => ({ services: [], settings: soul.config.settings, severity: h.ctx.severity }));
  return new Agent({
    model,
    fallback: options.fallback === false ? null : playbook,
    soul: () => soul,
    registry: h.registry,
    context: () => h.ctx,
    sessions: h.sessions,
    templates: h.ctx.templates,
    clock: h.clock,
    logger: silentLogger(),
    actor: 'alex',
    overrides: { limits },
  });
}

const text = (
  t: string,
  usage?: {
    input_tokens?: number;
    output_tokens?: number;
    cache_read_input_tokens?: number;
    cache_creation_input_tokens?: number;
  },
): FakeStep => ({
  kind: 'message',
  content: [{ type: 'text', text: t }],
  ...(usage ? { usage } : {}),
});
const tools = (
  ...calls: { name: string; input: Record<string, unknown>; id?: string }[]
): Extract<FakeStep, { kind: 'message' }> => ({
  kind: 'message',
  content: calls.map((c) => ({
    type: 'tool_use' as const,
    name: c.name,
    input: c.input,
    ...(c.id ? { id: c.id } : {}),
  })),
});

type Block = {
  type: string;
  id?: string;
  tool_use_id?: string;
  is_error?: boolean;
  content?: unknown;
  text?: string;
  cache_control?: unknown;
};
type Msg = { role: string; content: Block[] };
type Body = { system: Block[]; tools: Block[]; messages: Msg[] };
/** The request as the API saw it (parsed from the raw bytes). */
const bodyOf = (i: number): Body => JSON.parse(fake.requests[i]!.rawBody) as Body;
const messagesOf = (i: number): Msg[] => bodyOf(i).messages;

beforeEach(async () => {
  fake = await startFakeAnthropic();
  h = createHarness({ start: '2026-11-26T14:00:00Z' });
  soul = loadSoul(join(packageRoot(), 'SOUL.md'), TOOL_NAMES);
  session = newSession(h.clock.now());
  texts = [];
  notices = [];
  output = { onText: (d) => void texts.push(d), onNotice: (m) => void notices.push(m) };
});
afterEach(async () => {
  await fake.close();
  await h.close();
});

describe('Agent on Claude (real SDK, fake Messages API)', () => {
  it('streams text, runs two tool calls of one response, and sends both results back in order', async () => {
    fake.enqueue(
      tools(
        { name: 'classify_severity', input: { description: 'checkout down for all customers', revenuePath: true } },
        { name: 'open_incident', input: { title: 'Checkout down', description: "customers can't check out" } },
      ),
      text('SEV1 declared. Assigning roles next.'),
    );
    const result = await agent().runTurn(session, 'checkout is down', output);
    expect(result).toMatchObject({
      stopReason: 'end_turn',
      steps: 2,
      fellBack: false,
      reply: 'SEV1 declared. Assigning roles next.',
    });
    expect(texts.join('')).toBe('SEV1 declared. Assigning roles next.');
    expect(result.toolCalls.map((c) => [c.name, c.isError])).toEqual([
      ['classify_severity', false],
      ['open_incident', false],
    ]);
    const second = messagesOf(1);
    const assistant = second.at(-2)!;
    const results = second.at(-1)!.content;
    expect(assistant.role).toBe('assistant');
    const ids = assistant.content.filter((b) => b.type === 'tool_use').map((b) => b.id);
    expect(results.map((b) => b.tool_use_id)).toEqual(ids);
    expect(results.every((b) => b.is_error === undefined)).toBe(true);
    expect(session.incidentId).toBe('INC-1');
    expect(await h.store.getIncident('INC-1')).not.toBeNull();
  });

  it('returns a failing tool call as is_error and keeps going', async () => {
    fake.enqueue(
      tools({
        name: 'create_action_item',
        input: { incidentId: 'INC-1', title: 'Add alert', kind: 'detect', due: '7d' },
      }),
      text('I need an owner for that action item. Who will own it?'),
    );
    const result = await agent().runTurn(session, 'add an alert action item', output);
    expect(result.stopReason).toBe('end_turn');
    expect(result.toolCalls[0]).toMatchObject({ name: 'create_action_item', isError: true });
    const sent = messagesOf(1).at(-1)!.content[0]!;
    expect(sent).toMatchObject({ type: 'tool_result', is_error: true });
    expect(String(sent.content)).toContain('field "owner": is required');
  });

  it("never runs a tool outside the persona's allow-list, and says so to the model", async () => {
    soul = { ...soul, config: { ...soul.config, tools: soul.config.tools.filter((t) => t !== 'create_action_item') } };
    fake.enqueue(
      tools(
        {
          name: 'create_action_item',
          input: { incidentId: 'INC-1', title: 't', owner: 'bo', due: '7d', kind: 'detect' },
        },
        { name: 'page_everyone', input: {} },
      ),
      text('ok'),
    );
    const result = await agent().runTurn(session, 'track it', output);
    expect(result.toolCalls.map((c) => [c.name, c.isError])).toEqual([
      ['create_action_item', true],
      ['page_everyone', true],
    ]);
    const sent = messagesOf(1).at(-1)!.content;
    expect(String(sent[0]!.content)).toContain("not in this persona's allow-list. It was not run.");
    expect(String(sent[1]!.content)).toContain('unknown tool "page_everyone"');
    expect(bodyOf(0).tools.map((t) => (t as Block & { name: string }).name)).not.toContain('create_action_item');
    expect(await h.store.listActionItems()).toEqual([]);
  });

  it('stops at the step limit with a typed reason and a message', async () => {
    fake.setResponder(() => tools({ name: 'get_incident', input: { incidentId: 'INC-1' } }));
    const result = await agent({ max_steps: 3 }).runTurn(session, 'loop forever', output);
    expect(result.stopReason).toBe('max_steps');
    expect(result.steps).toBe(3);
    expect(fake.requests).toHaveLength(3);
    expect(result.stopMessage).toContain('limits.max_steps');
    expect(notices.join('\n')).toContain('Stopped after 3 model steps');
    expect(messagesOf(2).at(-1)!.content[0]!.type).toBe('tool_result');
  });

  it('stops when a turn or a session runs over its token or cost budget', async () => {
    fake.setResponder(() => ({
      ...tools({ name: 'get_incident', input: { incidentId: 'INC-1' } }),
      usage: { input_tokens: 3000, output_tokens: 500 },
    }));
    expect((await agent({ max_turn_tokens: 5000 }).runTurn(session, 'go', output)).stopReason).toBe('max_turn_tokens');
    expect((await agent({ max_turn_cost_usd: 0.01 }).runTurn(newSession(h.clock.now()), 'go', output)).stopReason).toBe(
      'max_turn_cost',
    );
    const spent = newSession(h.clock.now());
    spent.costUsd = 20;
    const result = await agent().runTurn(spent, 'go', output);
    expect(result).toMatchObject({ stopReason: 'max_session_cost', steps: 0 });
  });

  it('retries a 429 with retry-after, then succeeds', async () => {
    fake.enqueue(
      { kind: 'http_error', status: 429, errorType: 'rate_limit_error', retryAfterSeconds: 0.01 },
      text('Recovered.'),
    );
    const result = await agent().runTurn(session, 'hello', output);
    expect(result).toMatchObject({ reply: 'Recovered.', fellBack: false });
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a 500 and a 529, then succeeds', async () => {
    fake.enqueue(
      { kind: 'http_error', status: 500, errorType: 'api_error', retryAfterSeconds: 0.01 },
      { kind: 'http_error', status: 529, errorType: 'overloaded_error', retryAfterSeconds: 0.01 },
      text('Back.'),
    );
    expect(await agent().runTurn(session, 'hello', output)).toMatchObject({ reply: 'Back.', fellBack: false });
    expect(fake.requests).toHaveLength(3);
  });

  it('retries an error event inside a 200 stream, which the SDK does not retry, when none of its text was shown', async () => {
    fake.enqueue({ kind: 'stream_error', afterText: 'Sev', errorType: 'overloaded_error' }, text('Severity: SEV2.'));
    const result = await agent().runTurn(session, 'hello', output);
    expect(result).toMatchObject({ reply: 'Severity: SEV2.', fellBack: false });
    expect(notices[0]).toMatch(/stream interrupted \(stream overloaded_error/);
    expect(fake.requests).toHaveLength(2);
    // "Sev" was held back (a word is shown whole), so the retry is the only text shown.
    expect(texts.join('')).toBe('Severity: SEV2.');
  });

  it('never prints a reply twice: a stream that breaks after its text was shown ends there, interrupted', async () => {
    fake.enqueue({ kind: 'stream_error', afterText: 'Severity: SEV1. Roles next', errorType: 'overloaded_error' });
    const result = await agent().runTurn(session, 'hello', output);
    expect(fake.requests).toHaveLength(1);
    expect(result).toMatchObject({ stopReason: 'interrupted', reply: 'Severity: SEV1. Roles' });
    expect(texts.join('')).toBe('Severity: SEV1. Roles ');
    expect(result.stopMessage).toMatch(/broke partway through this reply; what arrived is above. Say "continue"/);
    expect(session.messages.at(-1)).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Severity: SEV1. Roles' }],
    });
    // The next turn is a valid request that carries the partial reply.
    fake.enqueue(text('Roles: IC Alex.'));
    await agent().runTurn(session, 'continue', output);
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a dropped connection mid-stream', async () => {
    fake.enqueue({ kind: 'drop', afterText: 'Initiat' }, text('Initiating incident response.'));
    expect((await agent().runTurn(session, 'hello', output)).reply).toBe('Initiating incident response.');
  });

  it('answers with the offline playbook when Claude is still unavailable after retries, losing no state', async () => {
    fake.enqueue(
      tools({ name: 'classify_severity', input: { description: "payment API 500s, customers can't check out" } }),
      { kind: 'http_error', status: 529, errorType: 'overloaded_error', retryAfterSeconds: 0.01 },
      { kind: 'http_error', status: 529, errorType: 'overloaded_error', retryAfterSeconds: 0.01 },
      { kind: 'http_error', status: 529, errorType: 'overloaded_error', retryAfterSeconds: 0.01 },
    );
    const result = await agent().runTurn(
      session,
      "Our payment API is returning 500 errors and customers can't check out",
      output,
    );
    expect(result.fellBack).toBe(true);
    expect(result.model).toBe('offline-playbook');
    expect(notices[0]).toMatch(
      /Claude is unavailable: 529 .* Answering offline with the playbook until Claude is back \(checked in the background\); no incident state is lost/,
    );
    // The classification Claude made is reused, not repeated; the playbook carries on from there.
    expect(result.toolCalls.map((c) => c.name)).toEqual([
      'classify_severity',
      'open_incident',
      'assign_roles',
      'find_similar_incidents',
      'draft_stakeholder_update',
    ]);
    expect(result.reply).toMatch(/\*\*Severity: SEV1\*\*/);
    expect(result.reply).toMatch(/\?$/);
    expect((await h.store.getIncident('INC-1'))?.severity).toBe('SEV1');
  });

  it('fails the turn with a clear hint on a request error, without falling back', async () => {
    fake.enqueue({ kind: 'http_error', status: 404, errorType: 'not_found_error' });
    await expect(agent().runTurn(session, 'hello', output)).rejects.toBeInstanceOf(ModelRequestError);
    await expect(async () => {
      fake.enqueue({ kind: 'http_error', status: 400, errorType: 'invalid_request_error' });
      await agent().runTurn(session, 'hello again', output);
    }).rejects.toThrow(/400/);
  });

  it('answers with the playbook when the key is refused (401 or 403), naming the variable to fix', async () => {
    for (const [status, errorType, said] of [
      [401, 'authentication_error', /ANTHROPIC_API_KEY was rejected \(401: .*\): the key is wrong/],
      [403, 'permission_error', /ANTHROPIC_API_KEY may not use this model \(403: .*\)\. Pick another model/],
    ] as const) {
      notices.length = 0;
      fake.enqueue({ kind: 'http_error', status, errorType });
      const result = await agent().runTurn(session, 'Checkout is down for everyone', output);
      expect(result).toMatchObject({ fellBack: true, model: 'offline-playbook' });
      expect(result.reply).toMatch(/SEV1/);
      expect(notices[0]).toMatch(said);
      expect(notices[0]).toMatch(/Answering offline with the playbook meanwhile/);
    }
  });

  it('handles max_tokens (dropping a cut-off tool call), refusal and pause_turn', async () => {
    fake.enqueue({
      kind: 'message',
      content: [
        { type: 'text', text: 'Severity: SEV1. Roles:' },
        { type: 'tool_use', name: 'assign_roles', input: {} },
      ],
      stopReason: 'max_tokens',
    });
    const cut = await agent().runTurn(session, 'go', output);
    expect(cut).toMatchObject({ stopReason: 'max_tokens', reply: 'Severity: SEV1. Roles:' });
    expect(session.messages.at(-1)).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Severity: SEV1. Roles:' }],
    });

    fake.enqueue({ kind: 'message', content: [{ type: 'text', text: '' }], stopReason: 'refusal' });
    const before = session.messages.length;
    const refused = await agent({}, { fallback: false }).runTurn(session, 'do something bad', output);
    expect(refused.stopReason).toBe('refusal');
    expect(session.messages).toHaveLength(before);

    fake.enqueue(
      { kind: 'message', content: [{ type: 'text', text: 'Working…' }], stopReason: 'pause_turn' },
      text('Done.'),
    );
    const paused = await agent().runTurn(session, 'long task', output);
    expect(paused).toMatchObject({ stopReason: 'end_turn', steps: 2 });
    // Every request was valid: the fake answers 400 to a tool_use left without its tool_result.
    expect(fake.requests.every((r) => r.path === '/v1/messages')).toBe(true);
  });

  it('caches the tools, the system prompt and the latest turn, and keeps the prefix byte-identical across turns', async () => {
    fake.enqueue(
      text('First.', { input_tokens: 1200, output_tokens: 20, cache_creation_input_tokens: 4000 }),
      text('Second.', { input_tokens: 50, output_tokens: 10, cache_read_input_tokens: 4000 }),
    );
    const a = agent();
    await a.runTurn(session, 'first message', output);
    h.clock.advanceMinutes(5);
    await a.runTurn(session, 'second message', output);
    const r1 = bodyOf(0);
    const r2 = bodyOf(1);
    // SOUL.md's cache_ttl (1h by default: incidents pause longer than the API's 5 minutes).
    const HOUR = { type: 'ephemeral', ttl: '1h' };
    expect(r1.system[0]!.cache_control).toEqual(HOUR);
    expect(r1.tools.at(-1)!.cache_control).toEqual(HOUR);
    expect(r1.tools.slice(0, -1).every((t) => t.cache_control === undefined)).toBe(true);
    expect(JSON.stringify(r2.system)).toBe(JSON.stringify(r1.system));
    expect(JSON.stringify(r2.tools)).toBe(JSON.stringify(r1.tools));
    const m1 = r1.messages;
    const m2 = r2.messages;
    expect(m1[0]!.content.at(-1)!.cache_control).toEqual(HOUR);
    // The first turn as history is the same bytes as when it was the latest turn (minus its breakpoint).
    const { cache_control: _dropped, ...lastBlock } = m1[0]!.content.at(-1)!;
    expect(JSON.stringify(m2[0]!.content)).toBe(JSON.stringify([...m1[0]!.content.slice(0, -1), lastBlock]));
    expect(m2.at(-1)!.content.at(-1)!.cache_control).toEqual(HOUR);
    // The live context sits in the latest user turn, after the cached prefix, and moves with the clock.
    expect(m2.at(-1)!.content[0]!.text).toMatch(/^<context source="runtime">\nNow: 2026-11-26 14:05 UTC/);
    expect(m1[0]!.content[0]!.text).toMatch(/Now: 2026-11-26 14:00 UTC/);
  });

  it('puts expired hypotheses and overdue updates in the live context of the next turn', async () => {
    await h.ok('open_incident', { title: 'Checkout down', description: "customers can't check out" });
    await h.ok('start_hypothesis', { incidentId: 'INC-1', statement: 'DB pool exhausted', owner: 'Priya' });
    session.incidentId = 'INC-1';
    h.clock.advanceMinutes(16);
    fake.enqueue(text('Calling it.'));
    await agent().runTurn(session, 'where are we?', output);
    const context = messagesOf(0).at(-1)!.content[0]!.text!;
    expect(context).toMatch(/^<context source="runtime">/);
    expect(context).toContain('H-1 "DB pool exhausted" (owner Priya) is 1 min past its 15-minute time-box');
    expect(context).toMatch(/customer update overdue by 1 min/);
  });

  it('sums usage and estimated cost per turn and per session', async () => {
    fake.enqueue(
      {
        ...tools({ name: 'get_incident', input: { incidentId: 'INC-9' } }),
        usage: { input_tokens: 1000, output_tokens: 100, cache_creation_input_tokens: 2000 },
      },
      text('No such incident.', { input_tokens: 200, output_tokens: 50, cache_read_input_tokens: 2000 }),
      text('Hello again.', { input_tokens: 10, output_tokens: 5 }),
    );
    const a = agent();
    const first = await a.runTurn(session, 'status of INC-9?', output);
    expect(first.usage).toEqual({
      inputTokens: 1200,
      outputTokens: 150,
      cacheReadTokens: 2000,
      cacheWriteTokens: 2000,
    });
    // Cache writes with the 1-hour lifetime cost 2× input; reads 0.1×.
    expect(first.costUsd).toBeCloseTo((1200 * 3 + 150 * 15 + 2000 * 6 + 2000 * 0.3) / 1e6, 9);
    const second = await a.runTurn(session, 'hello', output);
    expect(session.usage).toEqual({
      inputTokens: 1210,
      outputTokens: 155,
      cacheReadTokens: 2000,
      cacheWriteTokens: 2000,
    });
    expect(session.costUsd).toBeCloseTo(first.costUsd + second.costUsd, 12);
    expect(session.turns).toBe(2);
  });

  it('saves the session after every step, so it resumes', async () => {
    fake.enqueue(tools({ name: 'open_incident', input: { title: 'Search slow' } }), text('Opened.'));
    await agent().runTurn(session, 'search is slow', output);
    const saved = await h.sessions.findByIncident('INC-1');
    expect(saved?.id).toBe(session.id);
    const { resumeSession } = await import('./session.js');
    const resumed = await resumeSession(h.sessions, { incidentId: 'INC-1' });
    expect(resumed?.messages).toEqual(session.messages);
  });
});

describe('the turn context handed to the model port', () => {
  /** A scripted port that answers each step with a text and keeps every request it saw. */
  class RecordingModel implements ModelPort {
    readonly name = 'recording';
    readonly requests: ModelRequest[] = [];
    async respond(request: ModelRequest): Promise<ModelResponse> {
      this.requests.push(request);
      return { content: [{ type: 'text', text: 'ok' }], stopReason: 'end_turn', usage: ZERO_USAGE, model: 'recording' };
    }
  }
  const recordingAgent = (model: ModelPort): Agent =>
    new Agent({
      model,
      fallback: null,
      soul: () => soul,
      registry: h.registry,
      context: () => h.ctx,
      sessions: h.sessions,
      templates: h.ctx.templates,
      clock: h.clock,
      logger: silentLogger(),
      actor: 'alex',
    });

  it('is the typed live state of the active incident, read once at the start of the turn', async () => {
    await h.ok('open_incident', { title: 'Checkout down', description: "customers can't check out" });
    await h.ok('start_hypothesis', { incidentId: 'INC-1', statement: 'DB pool exhausted', owner: 'Priya' });
    session.incidentId = 'INC-1';
    h.clock.advanceMinutes(16);
    const model = new RecordingModel();
    await recordingAgent(model).runTurn(session, 'where are we?', output);
    const context = model.requests[0]!.context;
    expect(context.now).toBe('2026-11-26T14:16:00.000Z');
    expect(context.actor).toBe('alex');
    expect(context.incident?.incident.id).toBe('INC-1');
    expect(context.incident?.hypotheses[0]).toMatchObject({ id: 'H-1', expired: true });
    expect(context.incident?.schedule.find((s) => s.audience === 'customer')?.overdue).toBe(true);
    expect(context.incident?.timelineTotal).toBeGreaterThan(0);
    // The rendered block says the same thing as the value.
    const block = session.messages.at(-2)!.content[0] as { text: string };
    for (const line of context.incident!.attention) expect(block.text).toContain(line);
  });

  it('has no incident when the conversation has none', async () => {
    const model = new RecordingModel();
    await recordingAgent(model).runTurn(session, 'hello', output);
    expect(model.requests[0]!.context).toEqual({ now: '2026-11-26T14:00:00.000Z', actor: 'alex', incident: null });
  });
});
