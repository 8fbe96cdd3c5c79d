/**
 * The agent loop on a bad day, with the real SDK against the fake Messages API: streams that go
 * quiet or only ping, refusals, a person pressing Ctrl-C, a model asking for a thousand tool
 * calls, hostile text in the reply, a conversation that outgrows the context, an API that is down.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { CONTROL } from '../core/control.js';
import { registerSecret, silentLogger } from '../core/logger.js';
import { Playbook } from '../playbook/playbook.js';
import { loadSoul, type Soul } from '../soul/load.js';
import type { Limits } from '../soul/schema.js';
import { TOOL_NAMES } from '../../tools/index.js';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeStep } from '../../test/support/fake-anthropic.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { ClaudeModel } from './claude-model.js';
import { SUMMARY_OPEN } from './compaction.js';
import { Agent, type TurnOutput } from './loop.js';
import { newSession, resumeSession, type Session } from './session.js';

let fake: FakeAnthropic;
let h: Harness;
let soul: Soul;
let session: Session;
let texts: string[];
let notices: string[];
let output: TurnOutput;

interface Options {
  limits?: Partial<Limits>;
  timeoutMs?: number;
  streamRetries?: number;
  maxRetries?: number;
  fallback?: boolean;
  breaker?: boolean;
}

function agent(options: Options = {}): Agent {
  const claude = new ClaudeModel({
    apiKey: 'test-key',
    baseURL: fake.url,
    maxRetries: options.maxRetries ?? 0,
    timeoutMs: options.timeoutMs ?? 3000,
    streamRetries: options.streamRetries ?? 1,
    backoffMs: 5,
    logger: silentLogger(),
  });
  const model = options.breaker
    ? new CircuitBreaker(claude, { probeMs: 60_000, maxProbeMs: 60_000, logger: silentLogger() })
    : claude;
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
    overrides: { limits: options.limits ?? {} },
  });
}

const text = (t: string): FakeStep => ({ kind: 'message', content: [{ type: 'text', text: t }] });
type Msg = { role: string; content: { type: string; text?: string; id?: string; name?: string }[] };
const messagesOf = (i: number): Msg[] => (JSON.parse(fake.requests[i]!.rawBody) as { messages: Msg[] }).messages;
const REPORT = "Our payment API is returning 500 errors and customers can't check out";

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

describe('streams that stop delivering', () => {
  it.each([
    ['goes quiet after its headers', { kind: 'stall', ms: 30_000 } as FakeStep],
    ['sends nothing but pings', { kind: 'pings', ms: 30_000, everyMs: 50 } as FakeStep],
  ])('a stream that %s is given up after the timeout between events, and the playbook answers', async (_l, step) => {
    fake.setResponder(() => step);
    const started = Date.now();
    const result = await agent({ timeoutMs: 300, streamRetries: 1 }).runTurn(session, REPORT, output);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fake.requests).toHaveLength(2);
    expect(result).toMatchObject({ fellBack: true, model: 'offline-playbook' });
    expect(result.reply).toMatch(/SEV1/);
    expect(notices.at(-1)).toMatch(/no data from Claude for 0\.3 s after the stream began .*Answering offline/);
  });
});

describe('refusals, as the API documents them', () => {
  it('takes the refused exchange out of the history, says why once, and lets the playbook answer', async () => {
    fake.enqueue(text('Acknowledged.'));
    await agent().runTurn(session, 'hello', output);
    const before = structuredClone(session.messages);
    fake.enqueue({
      kind: 'message',
      content: [{ type: 'text', text: 'I can hel' }],
      stopReason: 'refusal',
      stopDetails: { category: 'cyber', explanation: 'This request was declined because it could enable cyber harm.' },
    });
    const refused = await agent().runTurn(session, REPORT, output);
    expect(refused).toMatchObject({ fellBack: true, stopReason: 'end_turn' });
    expect(refused.reply).toMatch(/SEV1/);
    expect(notices).toContainEqual(
      expect.stringMatching(
        /^Claude declined this message \(cyber: This request was declined because it could enable cyber harm\.\)\. It is kept out of the conversation.*the offline playbook answers it instead/,
      ),
    );
    // The incident the playbook opened is on the record, but the refused exchange is not in the history.
    expect(await h.store.getIncident('INC-1')).not.toBeNull();
    expect(session.messages).toEqual(before);
    expect((await resumeSession(h.sessions, { id: session.id }))?.messages).toEqual(before);
    fake.enqueue(text('Next.'));
    await agent().runTurn(session, 'what next?', output);
    expect(JSON.stringify(messagesOf(2))).not.toContain('payment API is returning 500');
  });
});

describe('a turn the person stops', () => {
  it('leaves a history where the next message is a turn of its own, with one fresh context block', async () => {
    fake.enqueue({ kind: 'stall', ms: 30_000, afterText: 'Looking into ' });
    const stop = new AbortController();
    const turn = agent().runTurn(session, 'checkout is slow', { ...output, onText: () => stop.abort() }, stop.signal);
    await expect(turn).rejects.toThrow();
    fake.enqueue(text('Severity first.'));
    h.clock.advanceMinutes(2);
    await agent().runTurn(session, 'customers are complaining now', output);
    const sent = messagesOf(1);
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent[1]!.content[0]!.text).toMatch(/stopped this turn before it finished/);
    const last = sent[2]!.content;
    expect(last.filter((b) => b.text?.startsWith('<context'))).toHaveLength(1);
    expect(last[0]!.text).toMatch(/Now: 2026-11-26 14:02 UTC/);
    expect(last.at(-1)!.text).toBe('customers are complaining now');
  });
});

describe('what a response may ask for', () => {
  it('runs at most max_tool_calls_per_response of one response, tells the model, and keeps the history valid', async () => {
    await h.ok('open_incident', { title: 'Checkout down' });
    session.incidentId = 'INC-1';
    fake.enqueue(
      {
        kind: 'message',
        content: Array.from({ length: 1000 }, (_, i) => ({
          type: 'tool_use' as const,
          name: 'log_event',
          input: { incidentId: 'INC-1', text: `note ${i}` },
        })),
      },
      text('Logged.'),
    );
    const result = await agent({ limits: { max_tool_calls_per_response: 5 } }).runTurn(session, 'log it all', output);
    expect(result.toolCalls).toHaveLength(5);
    expect(await h.store.countTimeline('INC-1')).toBeLessThan(20);
    const told = messagesOf(1).at(-1)!.content.at(-1)!.text;
    expect(told).toMatch(/Only the first 5 of the 1000 tool calls in that response were run/);
    expect(result.reply).toBe('Logged.');
  });

  it('runs a repeated tool-use id once and sends one result for it', async () => {
    await h.ok('open_incident', { title: 'Checkout down' });
    fake.enqueue(
      {
        kind: 'message',
        content: [
          { type: 'tool_use', id: 'toolu_same', name: 'log_event', input: { incidentId: 'INC-1', text: 'first' } },
          { type: 'tool_use', id: 'toolu_same', name: 'log_event', input: { incidentId: 'INC-1', text: 'second' } },
        ],
      },
      text('Done.'),
    );
    const result = await agent().runTurn(session, 'log', output);
    expect(result.toolCalls.map((c) => c.input['text'])).toEqual(['first']);
    // The fake answers 400 to a history whose tool_use ids and results do not pair up.
    expect(result.reply).toBe('Done.');
  });

  it('keeps the texts of consecutive steps apart', async () => {
    fake.enqueue(
      {
        kind: 'message',
        content: [
          { type: 'text', text: 'Checking the incident.' },
          { type: 'tool_use', name: 'get_incident', input: { incidentId: 'INC-9' } },
        ],
      },
      text('There is no INC-9.'),
    );
    await agent().runTurn(session, 'status?', output);
    expect(texts.join('')).toBe('Checking the incident.\n\nThere is no INC-9.');
  });
});

describe('hostile text in a successful reply', () => {
  it('strips terminal escapes and scrubs a key the server echoed, from the screen, the history and the saved session', async () => {
    const key = 'sk-ant-api03-echoedKEY0123456789abcdefghijklmnop';
    registerSecret(key);
    fake.enqueue(
      text(`\u001b]0;owned\u0007\u001b[2JYour key ${key} works.\u001b]52;c;cm0gLXJmIH4=\u0007 Severity: SEV2.`),
    );
    const result = await agent().runTurn(session, 'hello', output);
    for (const seen of [texts.join(''), result.reply, JSON.stringify(session.messages)]) {
      expect(seen).not.toContain('echoedKEY');
      // JSON spells an escape \u001b: neither the character nor its spelling may be there.
      expect(CONTROL.test(seen)).toBe(false);
      expect(seen).not.toMatch(/\\u001b|\]52;|\]0;/);
    }
    expect(result.reply).toBe('Your key [redacted] works. Severity: SEV2.');
    const saved = await h.sessions.load(session.id);
    expect(JSON.stringify(saved)).not.toContain('echoedKEY');
  });
});

describe('context that lasts an incident', () => {
  it('folds the oldest turns into a runtime summary once the history passes compact_at_tokens, keeping requests valid', async () => {
    await h.ok('open_incident', { title: 'Checkout down' });
    session.incidentId = 'INC-1';
    fake.setResponder((body) =>
      body.messages && body.messages.length % 4 === 1
        ? {
            kind: 'message',
            content: [{ type: 'tool_use', name: 'log_event', input: { incidentId: 'INC-1', text: 'noted' } }],
          }
        : text(`Noted. ${'detail '.repeat(400)}`),
    );
    const a = agent({ limits: { compact_at_tokens: 10_000 } });
    for (let i = 0; i < 12; i++) await a.runTurn(session, `update ${i}: ${'error rate climbing '.repeat(60)}`, output);
    expect(notices.some((n) => /oldest turns are now a summary/.test(n))).toBe(true);
    const first = session.messages[0]!;
    expect(first.role).toBe('user');
    expect((first.content[1] as { text: string }).text.startsWith(SUMMARY_OPEN)).toBe(true);
    expect((first.content[1] as { text: string }).text).toMatch(/Person: update 0:/);
    // Every request after compaction was accepted (the fake refuses unpaired tool_use blocks).
    expect(fake.requests.every((r) => r.path === '/v1/messages')).toBe(true);
    expect(JSON.stringify(session.messages).length / 4).toBeLessThan(20_000);
  });
});

describe('a conversation that no longer fits', () => {
  it('folds the earlier turns into the summary and retries the step once when the API says the window is full', async () => {
    for (let i = 0; i < 3; i++) {
      fake.enqueue(text(`Noted ${i}.`));
      await agent().runTurn(session, `update ${i}`, output);
    }
    fake.enqueue({ kind: 'message', content: [], stopReason: 'model_context_window_exceeded' }, text('Still SEV2.'));
    const result = await agent().runTurn(session, 'where are we?', output);
    expect(result).toMatchObject({ stopReason: 'end_turn', reply: 'Still SEV2.' });
    expect(notices.at(-1)).toMatch(/no longer fitted the context window: its 3 earlier turns are now a summary/);
    const retried = messagesOf(4);
    expect(retried.map((m) => m.role)).toEqual(['user']);
    expect(retried[0]!.content[1]!.text).toMatch(/Person: update 2/);
    expect(retried[0]!.content.at(-1)!.text).toBe('where are we?');
  });
});

describe('an API that is down, behind the circuit breaker', () => {
  it('pays the retry budget once: later turns go straight to the playbook, and the reason is said once', async () => {
    fake.setResponder(() => ({ kind: 'hang', ms: 5 }));
    const a = agent({ breaker: true, maxRetries: 2 });
    for (let turn = 0; turn < 4; turn++) {
      const result = await a.runTurn(session, turn === 0 ? REPORT : `turn ${turn}: still down?`, output);
      expect(result.fellBack).toBe(true);
    }
    expect(fake.requests.length).toBeLessThanOrEqual(5);
    expect(fake.requests).toHaveLength(3);
    expect(notices.filter((n) => /Answering offline with the playbook/.test(n))).toHaveLength(1);
  });
});
