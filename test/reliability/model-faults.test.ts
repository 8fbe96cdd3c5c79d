/**
 * Model API faults at the agent level: the loop, Claude through the real SDK against the fake
 * Messages API, the offline playbook as fallback, the real registry and a real SQLite file.
 *
 * Already covered in src/agent/loop.test.ts, so not repeated here: a single 429 (retry-after) then
 * success; a 500 then a 529 then success; one stream `error` event then success; one dropped
 * stream then success; 529 x3 after a read-only classify_severity, then the playbook; a 403
 * without fallback; one response holding a non-allow-listed tool and an unknown one.
 *
 * Here: slow responses within and past the timeout; each fault kind on every attempt, so retries
 * run out (with the exact number of requests the fake received); faults in the middle of a
 * multi-step turn after tools already wrote; a fault on the turn after a successful one and the
 * recovery on the turn after that; no fallback configured; unknown and forbidden tool calls mixed
 * with valid ones; and every fault kind, turn after turn, on one incident (scaled by IC_SOAK).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resumeSession, newSession, type Session } from '../../src/agent/session.js';
import { ModelUnavailableError } from '../../src/agent/types.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { FakeStep } from '../support/fake-anthropic.js';
import { recordFigures, soak } from '../support/figures.js';
import { bodies, httpErrors, startRig, text, tools, type Rig } from './agent-rig.js';

const PAYMENT = "Our payment API is returning 500 errors and customers can't check out";

let rig: Rig;
let session: Session;
const figures = {
  scenarios: 0,
  requestsServed: 0,
  faultsInjected: 0,
  fallbacks: 0,
  turnsFailedWithoutFallback: 0,
  refusedToolCalls: 0,
  soakTurns: 0,
};

beforeEach(async () => {
  rig = await startRig();
  session = newSession(rig.h.clock.now());
});
afterEach(async () => {
  figures.scenarios++;
  figures.requestsServed += rig.fake.requests.length;
  await rig.close();
});
afterAll(() => recordFigures('model-faults', figures));

/** Opens INC-1 through Claude's tool call in step 1 of a turn, as the state a later fault must not lose. */
const openByClaude = (): FakeStep =>
  tools({
    name: 'open_incident',
    input: { title: 'Checkout down', description: "payment API 500s, customers can't check out" },
  });

async function incidents(store = rig.h.store): Promise<string[]> {
  return (await store.listIncidents()).map((i) => i.id);
}

/** The saved session, read back from the SQLite file through a second connection: what a restarted process would see. */
async function savedOnDisk(incidentId: string): Promise<Session | null> {
  const other = new SqliteStore(rig.dbPath, { now: () => rig.h.clock.now() });
  try {
    return await resumeSession(other.sessions, { incidentId });
  } finally {
    await other.close();
  }
}

describe('slow responses', () => {
  it('a slow answer within the timeout is waited for: one request, no retry', async () => {
    rig.fake.enqueue({ kind: 'message', content: [{ type: 'text', text: 'Here.' }], delayMs: 300 });
    const result = await rig.agent({ timeoutMs: 2000 }).runTurn(session, 'hello', rig.output);
    expect(result).toMatchObject({ reply: 'Here.', fellBack: false });
    expect(rig.fake.requests).toHaveLength(1);
  });

  it('an answer slower than the timeout is abandoned and retried by the SDK; the fast retry answers (2 requests)', async () => {
    rig.fake.enqueue(
      { kind: 'message', content: [{ type: 'text', text: 'too late' }], delayMs: 3000 },
      text('On time.'),
    );
    figures.faultsInjected++;
    const result = await rig.agent({ timeoutMs: 500, maxRetries: 1 }).runTurn(session, 'hello', rig.output);
    expect(result).toMatchObject({ reply: 'On time.', fellBack: false });
    expect(rig.fake.requests).toHaveLength(2);
    expect(rig.texts.join('')).toBe('On time.');
  });

  it('a model that stays past the timeout mid-turn: maxRetries+1 attempts, then the playbook finishes the turn from what Claude already did', async () => {
    rig.fake.enqueue(openByClaude(), { kind: 'hang', ms: 5000 }, { kind: 'hang', ms: 5000 });
    figures.faultsInjected += 2;
    const result = await rig.agent({ timeoutMs: 500, maxRetries: 1 }).runTurn(session, PAYMENT, rig.output);
    figures.fallbacks++;
    expect(rig.fake.requests).toHaveLength(1 + 2);
    expect(result).toMatchObject({ fellBack: true, model: 'offline-playbook', stopReason: 'end_turn' });
    expect(rig.notices[0]).toMatch(
      /^Claude is unreachable: APIConnectionTimeoutError: Request timed out\. \(after 2 attempts\)\. Answering offline with the playbook until Claude is back \(checked in the background\)/,
    );
    // The incident Claude opened is the one the playbook carries on with: not opened twice.
    expect(result.toolCalls[0]).toMatchObject({ name: 'open_incident', isError: false });
    expect(result.toolCalls.filter((c) => c.name === 'open_incident')).toHaveLength(1);
    expect(result.toolCalls.map((c) => c.name)).toContain('assign_roles');
    expect(await incidents()).toEqual(['INC-1']);
    expect((await rig.h.store.listRoles('INC-1')).length).toBeGreaterThan(0);
    const saved = await savedOnDisk('INC-1');
    expect(saved?.messages).toEqual(session.messages);
  });
});

describe('retries run out: each fault on every attempt', () => {
  it('429 with retry-after on every attempt: exactly maxRetries retries, each after retry-after, then the playbook — on the turn after a successful one; Claude answers the turn after', async () => {
    const agent = rig.agent({ maxRetries: 2 });
    // Turn 1, Claude is fine: it opens the incident.
    rig.fake.enqueue(openByClaude(), text('INC-1 open. Assigning roles next.'));
    await agent.runTurn(session, PAYMENT, rig.output);
    expect(rig.fake.requests).toHaveLength(2);

    // Turn 2, Claude is rate-limited every time.
    rig.fake.enqueue(...httpErrors(3, 429, 'rate_limit_error', 0.25));
    figures.faultsInjected += 3;
    const started = Date.now();
    const second = await agent.runTurn(session, 'status?', rig.output);
    const waited = Date.now() - started;
    figures.fallbacks++;
    expect(rig.fake.requests).toHaveLength(2 + 3);
    expect(waited).toBeGreaterThanOrEqual(2 * 250 - 20);
    expect(second).toMatchObject({ fellBack: true, model: 'offline-playbook', stopReason: 'end_turn' });
    expect(rig.notices.at(-1)).toMatch(/Claude is unavailable: 429 .*\(after 3 attempts\)/);
    // The playbook read the live context Claude's turn left: it reports on INC-1 and opens nothing new.
    expect(second.toolCalls.map((c) => c.name)).not.toContain('open_incident');
    expect(second.reply).toContain('INC-1');
    expect(await incidents()).toEqual(['INC-1']);
    // The persona is the same: every request of both turns carries the same system prompt and tools.
    const all = bodies(rig.fake);
    for (const b of all) {
      expect(JSON.stringify(b.system)).toBe(JSON.stringify(all[0]!.system));
      expect(JSON.stringify(b.tools)).toBe(JSON.stringify(all[0]!.tools));
    }

    // Turn 3, Claude is back: the whole history goes with it, including the playbook's tool calls,
    // and it is a valid request (the fake answers 400 to any tool_use left without its tool_result).
    rig.fake.enqueue(text('Back. INC-1 is still SEV1.'));
    const third = await agent.runTurn(session, 'are you back?', rig.output);
    expect(third).toMatchObject({ reply: 'Back. INC-1 is still SEV1.', fellBack: false });
    const last = bodies(rig.fake).at(-1)!;
    const playbookIds = second.toolCalls.map((c) => c.id);
    const sentIds = last.messages.flatMap((m) => m.content.filter((b) => b.type === 'tool_use').map((b) => b.id));
    expect(sentIds).toEqual(expect.arrayContaining(playbookIds));
    expect(session.turns).toBe(3);
    expect((await savedOnDisk('INC-1'))?.turns).toBe(3);
  });

  it.each([
    ['500 api_error', httpErrors(3, 500, 'api_error')],
    ['529 overloaded_error', httpErrors(3, 529, 'overloaded_error')],
  ])(
    '%s on every attempt, after tools wrote in this turn: maxRetries+1 requests, then the playbook; nothing written is lost',
    async (_label, faults) => {
      rig.fake.enqueue(
        openByClaude(),
        tools({
          name: 'log_event',
          input: { incidentId: 'INC-1', kind: 'observation', text: 'error rate 40% since 13:55' },
        }),
        ...faults,
      );
      figures.faultsInjected += faults.length;
      const result = await rig.agent({ maxRetries: 2 }).runTurn(session, PAYMENT, rig.output);
      figures.fallbacks++;
      expect(rig.fake.requests).toHaveLength(2 + 3);
      expect(result.fellBack).toBe(true);
      expect(result.toolCalls.slice(0, 2).map((c) => [c.name, c.isError])).toEqual([
        ['open_incident', false],
        ['log_event', false],
      ]);
      expect(await incidents()).toEqual(['INC-1']);
      const timeline = await rig.h.store.listTimeline('INC-1');
      expect(timeline.map((e) => e.text)).toContain('error rate 40% since 13:55');
      expect((await savedOnDisk('INC-1'))?.messages).toEqual(session.messages);
    },
  );

  it.each([
    ['malformed SSE', { kind: 'malformed' } as FakeStep],
    // Broken before a whole word arrived: nothing was shown, so a retry cannot print anything twice.
    ['a stream cut mid-way', { kind: 'drop', afterText: 'Rollin' } as FakeStep],
    [
      'an overloaded_error event inside a 200 stream',
      { kind: 'stream_error', afterText: 'Severity:', errorType: 'overloaded_error' } as FakeStep,
    ],
  ])(
    '%s on every attempt, after a write: the adapter retries it streamRetries times (the SDK does not), then the playbook',
    async (_label, fault) => {
      rig.fake.enqueue(openByClaude(), fault, fault, fault);
      figures.faultsInjected += 3;
      const result = await rig.agent({ streamRetries: 2 }).runTurn(session, PAYMENT, rig.output);
      figures.fallbacks++;
      expect(rig.fake.requests).toHaveLength(1 + 3);
      expect(result.fellBack).toBe(true);
      // Two retries announced, then the fallback; the text of the broken streams is not the reply.
      expect(rig.notices.filter((n) => n.startsWith('stream interrupted'))).toHaveLength(2);
      expect(rig.notices.at(-1)).toMatch(
        /after 3 attempts\)\. Answering offline with the playbook until Claude is back \(checked in the background\); no incident state is lost\./,
      );
      expect(result.reply).not.toContain('Rollin');
      expect(rig.texts.join('')).not.toMatch(/Rollin|Severity:(?! SEV)/);
      expect(await incidents()).toEqual(['INC-1']);
      expect(result.toolCalls.filter((c) => c.name === 'open_incident')).toHaveLength(1);
      expect((await savedOnDisk('INC-1'))?.messages).toEqual(session.messages);
    },
  );

  it('malformed SSE once: retried by the adapter, and the retry answers (2 requests, no fallback)', async () => {
    rig.fake.enqueue({ kind: 'malformed' }, text('Fine now.'));
    figures.faultsInjected++;
    expect(await rig.agent().runTurn(session, 'hello', rig.output)).toMatchObject({
      reply: 'Fine now.',
      fellBack: false,
    });
    expect(rig.fake.requests).toHaveLength(2);
  });

  it('without a fallback, a fault after writes fails the turn, keeps the writes and the session, and the saved session resumes', async () => {
    rig.fake.enqueue(
      openByClaude(),
      tools({ name: 'log_event', input: { incidentId: 'INC-1', kind: 'decision', text: 'rolling back v2.14' } }),
      ...httpErrors(3, 529, 'overloaded_error'),
    );
    figures.faultsInjected += 3;
    await expect(rig.agent({ fallback: false }).runTurn(session, PAYMENT, rig.output)).rejects.toBeInstanceOf(
      ModelUnavailableError,
    );
    figures.turnsFailedWithoutFallback++;
    expect(rig.fake.requests).toHaveLength(2 + 3);
    expect((await rig.h.store.listTimeline('INC-1')).map((e) => e.text)).toContain('rolling back v2.14');

    // A new process: the session from disk, a new agent; Claude is back.
    const resumed = await savedOnDisk('INC-1');
    expect(resumed).not.toBeNull();
    expect(resumed!.messages).toEqual(session.messages);
    expect(resumed!.messages.at(-1)!.content.every((b) => b.type === 'tool_result')).toBe(true);
    rig.fake.enqueue(text('Picking up INC-1: the rollback decision is on the timeline.'));
    const next = await rig.agent({ fallback: false }).runTurn(resumed!, 'where were we?', rig.output);
    expect(next).toMatchObject({ stopReason: 'end_turn', fellBack: false });
    // The request after the resume carries both earlier tool calls with their results: valid, nothing lost.
    const sent = bodies(rig.fake).at(-1)!;
    expect(sent.messages.flatMap((m) => m.content.filter((b) => b.type === 'tool_use').map((b) => b.name))).toEqual([
      'open_incident',
      'log_event',
    ]);
    expect(sent.messages.at(-1)!.content.at(-1)!.text).toBe('where were we?');
    expect(sent.messages.at(-1)!.content.filter((b) => b.type === 'text')[0]!.text).toMatch(
      /Active incident: INC-1 "Checkout down"/,
    );
  });
});

describe('tool calls the persona does not allow', () => {
  it('one response with a valid write, an unknown tool and a forbidden one: only the valid one runs, in order, and the model is told', async () => {
    rig.soul = {
      ...rig.soul,
      config: { ...rig.soul.config, tools: rig.soul.config.tools.filter((t) => t !== 'resolve_incident') },
    };
    await rig.h.ok('open_incident', { title: 'Search slow', description: 'p99 latency 4s' });
    session.incidentId = 'INC-1';
    rig.fake.enqueue(
      tools(
        { name: 'get_incident', input: { incidentId: 'INC-1' } },
        { name: 'log_event', input: { incidentId: 'INC-1', kind: 'action', text: 'restarted search pods' } },
        { name: 'drop_database', input: { confirm: true } },
        { name: 'resolve_incident', input: { incidentId: 'INC-1', resolution: 'done' } },
        { name: 'get_incident', input: { incidentId: 'INC-1', timelineLimit: 1 } },
      ),
      text('Logged the restart.'),
    );
    const result = await rig.agent().runTurn(session, 'we restarted the search pods', rig.output);
    figures.refusedToolCalls += 2;
    expect(result.toolCalls.map((c) => [c.name, c.isError])).toEqual([
      ['get_incident', false],
      ['log_event', false],
      ['drop_database', true],
      ['resolve_incident', true],
      ['get_incident', false],
    ]);
    const [first, second] = bodies(rig.fake);
    expect(first!.tools.map((t) => t.name)).not.toContain('resolve_incident');
    const results = second!.messages.at(-1)!.content;
    const uses = second!.messages.at(-2)!.content.filter((b) => b.type === 'tool_use');
    expect(results.map((b) => b.tool_use_id)).toEqual(uses.map((b) => b.id));
    expect(results.map((b) => b.is_error ?? false)).toEqual([false, false, true, true, false]);
    expect(String(results[2]!.content)).toContain('unknown tool "drop_database". It was not run.');
    expect(String(results[3]!.content)).toContain(
      'tool "resolve_incident" is not in this persona\'s allow-list. It was not run.',
    );
    // The store: the valid write is there, the forbidden one is not.
    const incident = await rig.h.store.getIncident('INC-1');
    expect(incident?.status).not.toBe('resolved');
    expect(incident?.resolvedAt).toBeNull();
    expect(incident?.resolution).toBeNull();
    const timeline = await rig.h.store.listTimeline('INC-1');
    expect(timeline.map((e) => e.text)).toContain('restarted search pods');
    expect(timeline.filter((e) => e.kind === 'status')).toEqual([]);
  });

  it('a forbidden call, then an outage: the playbook that takes over does not run it either', async () => {
    rig.soul = {
      ...rig.soul,
      config: { ...rig.soul.config, tools: rig.soul.config.tools.filter((t) => t !== 'resolve_incident') },
    };
    await rig.h.ok('open_incident', { title: 'Search slow', description: 'p99 latency 4s' });
    session.incidentId = 'INC-1';
    const before = (await rig.h.store.listTimeline('INC-1')).length;
    rig.fake.enqueue(
      tools({ name: 'resolve_incident', input: { incidentId: 'INC-1', resolution: 'errors gone' } }),
      ...httpErrors(3, 529, 'overloaded_error'),
    );
    figures.faultsInjected += 3;
    // Words that make the playbook want to resolve: without resolve_incident it logs a milestone instead.
    const result = await rig.agent().runTurn(session, "the errors are gone, we're back to normal", rig.output);
    figures.fallbacks++;
    figures.refusedToolCalls++;
    expect(result.fellBack).toBe(true);
    expect(result.toolCalls.filter((c) => c.name === 'resolve_incident').map((c) => c.isError)).toEqual([true]);
    expect(result.toolCalls.map((c) => c.name)).toContain('log_event');
    expect((await rig.h.store.getIncident('INC-1'))?.status).not.toBe('resolved');
    expect((await rig.h.store.listTimeline('INC-1')).length).toBe(before + 1);
  });
});

describe('a mix of faults, turn after turn (IC_SOAK scales it)', () => {
  it('every turn ends answered (Claude or the playbook), within its request budget, with every write kept', async () => {
    const faults: { label: string; steps: FakeStep[]; requests: number; fellBack: boolean }[] = [
      { label: '429 once', steps: httpErrors(1, 429, 'rate_limit_error'), requests: 2, fellBack: false },
      { label: '529 x3', steps: httpErrors(3, 529, 'overloaded_error'), requests: 3, fellBack: true },
      { label: '500 x3', steps: httpErrors(3, 500, 'api_error'), requests: 3, fellBack: true },
      { label: 'malformed once', steps: [{ kind: 'malformed' }], requests: 2, fellBack: false },
      {
        label: 'drop x3',
        steps: [{ kind: 'drop', afterText: 'cut' }, { kind: 'drop' }, { kind: 'drop', afterText: 'again' }],
        requests: 3,
        fellBack: true,
      },
      {
        label: 'stream error once',
        steps: [{ kind: 'stream_error', afterText: 'x', errorType: 'api_error' }],
        requests: 2,
        fellBack: false,
      },
      // Retried by the SDK with its own backoff (no retry-after without a response): once keeps the test fast; on every attempt is the timeout case above.
      { label: 'reset once', steps: [{ kind: 'hang', ms: 0 }], requests: 2, fellBack: false },
    ];
    const agent = rig.agent({ maxRetries: 2, streamRetries: 2 });
    await rig.h.ok('open_incident', { title: 'Checkout down', description: "customers can't check out" });
    session.incidentId = 'INC-1';
    const turns = faults.length * soak();
    for (let i = 0; i < turns; i++) {
      // Every fault once per round, in a different order each round (3 is prime to 7).
      const fault = faults[(i * 3 + Math.floor(i / faults.length)) % faults.length]!;
      const note = `soak observation ${i}`;
      const before = rig.fake.requests.length;
      rig.fake.enqueue(
        tools({ name: 'log_event', input: { incidentId: 'INC-1', kind: 'observation', text: note } }),
        ...fault.steps,
      );
      figures.faultsInjected += fault.steps.length;
      if (!fault.fellBack) rig.fake.enqueue(text(`noted ${i}`));
      const result = await agent.runTurn(session, `we see ${note}`, rig.output);
      figures.soakTurns++;
      if (result.fellBack) figures.fallbacks++;
      expect(result.fellBack, fault.label).toBe(fault.fellBack);
      expect(rig.fake.requests.length - before, fault.label).toBe(1 + fault.requests);
      expect(rig.fake.pending, fault.label).toBe(0);
      expect(result.stopReason).toBe('end_turn');
      expect((await rig.h.store.listTimeline('INC-1')).map((e) => e.text)).toContain(note);
    }
    expect(await incidents()).toEqual(['INC-1']);
    const saved = await savedOnDisk('INC-1');
    expect(saved?.turns).toBe(turns);
    expect(saved?.messages).toEqual(session.messages);
  });
});
