import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { TOOL_NAMES } from '../../tools/index.js';
import { Agent } from '../agent/loop.js';
import { type ModelPort, type ModelRequest, type ModelResponse, ZERO_USAGE } from '../agent/types.js';
import { packageRoot } from '../config/package-root.js';
import { NotFoundError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { loadSoul, type Soul } from '../soul/load.js';
import { ConversationService } from './service.js';

/**
 * A model that logs each message to the timeline (so the actor shows as its author), and holds each
 * turn open until the test releases it, recording when turns start and end.
 */
class GatedModel implements ModelPort {
  readonly name = 'gated';
  readonly events: string[] = [];
  private readonly gates: (() => void)[] = [];

  async respond(request: ModelRequest): Promise<ModelResponse> {
    const last = request.messages.at(-1)!;
    const text = last.content.findLast((b) => b.type === 'text')?.text ?? '';
    if (last.content.some((b) => b.type === 'tool_result')) {
      this.events.push(`end ${text || request.context.actor}`);
      return {
        content: [{ type: 'text', text: 'noted' }],
        stopReason: 'end_turn',
        usage: ZERO_USAGE,
        model: this.name,
      };
    }
    this.events.push(`start ${text}`);
    await new Promise<void>((resolve) => this.gates.push(resolve));
    const incidentId = request.context.incident?.incident.id;
    return {
      content: [
        {
          type: 'tool_use',
          id: `t-${this.events.length}`,
          name: incidentId ? 'log_event' : 'open_incident',
          input: incidentId ? { incidentId, text } : { title: text },
        },
      ],
      stopReason: 'tool_use',
      usage: ZERO_USAGE,
      model: this.name,
    };
  }

  /** Lets the oldest waiting turn go on. */
  release(): void {
    this.gates.shift()?.();
  }

  async waitingTurns(n: number): Promise<void> {
    for (let i = 0; i < 200 && this.gates.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    expect(this.gates.length).toBe(n);
  }
}

let h: Harness;
let soul: Soul;
let model: GatedModel;
let service: ConversationService;

const quiet = { onText: () => undefined, onNotice: () => undefined };

function serviceOver(m: ModelPort): ConversationService {
  const agent = new Agent({
    model: m,
    fallback: null,
    soul: () => soul,
    registry: h.registry,
    context: (actor) => ({ ...h.ctx, actor }),
    sessions: h.sessions,
    templates: h.ctx.templates,
    clock: h.clock,
    logger: silentLogger(),
    actor: 'nobody',
  });
  return new ConversationService({
    agent,
    sessions: h.sessions,
    incidents: h.store,
    clock: h.clock,
    logger: silentLogger(),
  });
}

beforeEach(() => {
  h = createHarness({ start: '2026-11-26T14:00:00Z' });
  soul = loadSoul(join(packageRoot(), 'SOUL.md'), TOOL_NAMES);
  model = new GatedModel();
  service = serviceOver(model);
});
afterEach(() => h.close());

describe('ConversationService', () => {
  it('queues messages to one channel: the second turn starts after the first ends, and sees what it wrote', async () => {
    const a = await service.open({ kind: 'channel', channel: 'C-inc-1' });
    const first = a.send({ text: 'checkout is down', actor: 'priya' }, quiet);
    const b = await service.open({ kind: 'channel', channel: 'C-inc-1' });
    expect(b).toBe(a);
    const second = b.send({ text: 'rolled back v2.14', actor: 'sam' }, quiet);
    await model.waitingTurns(1);
    expect(a.busy).toBe(true);
    model.release();
    await first;
    await model.waitingTurns(1);
    model.release();
    await second;
    expect(model.events).toEqual(['start checkout is down', 'end priya', 'start rolled back v2.14', 'end sam']);
    // The second turn saw the incident the first one opened, and each message is on the record as its sender's.
    expect(a.incidentId).toBe('INC-1');
    const timeline = await h.store.listTimeline('INC-1');
    expect(timeline.map((e) => [e.kind, e.author])).toEqual([
      ['declared', 'priya'],
      ['note', 'sam'],
    ]);
  });

  it('runs different conversations side by side', async () => {
    const a = await service.open({ kind: 'channel', channel: 'C-1' });
    const b = await service.open({ kind: 'channel', channel: 'C-2' });
    const turns = [a.send({ text: 'api down', actor: 'x' }, quiet), b.send({ text: 'db slow', actor: 'y' }, quiet)];
    await model.waitingTurns(2);
    model.release();
    model.release();
    await Promise.all(turns);
    expect((await h.store.listIncidents()).length).toBe(2);
  });

  it('resumes a channel conversation after a restart, and a conversation by its incident', async () => {
    const a = await service.open({ kind: 'channel', channel: 'C-9' });
    const turn = a.send({ text: 'search is slow', actor: 'priya' }, quiet);
    await model.waitingTurns(1);
    model.release();
    await turn;

    const restarted = serviceOver(model);
    const again = await restarted.open({ kind: 'channel', channel: 'C-9' });
    expect(again).not.toBe(a);
    expect({ id: again.id, incidentId: again.incidentId, turns: again.turns }).toEqual({
      id: a.id,
      incidentId: 'INC-1',
      turns: 1,
    });
    expect((await restarted.open({ kind: 'incident', incidentId: 'INC-1' })).id).toBe(a.id);
    expect(await restarted.open({ kind: 'incident', incidentId: 'INC-1' })).toBe(again);
  });

  it('refuses an unknown incident or session, and a turn whose signal was aborted while it waited', async () => {
    await expect(service.open({ kind: 'incident', incidentId: 'INC-404' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.open({ kind: 'session', id: 'chat-nope' })).rejects.toBeInstanceOf(NotFoundError);
    const c = await service.open({ kind: 'new' });
    const running = c.send({ text: 'api down', actor: 'x' }, quiet);
    const stop = new AbortController();
    const queued = c.send({ text: 'never mind', actor: 'x' }, quiet, stop.signal);
    stop.abort();
    await model.waitingTurns(1);
    model.release();
    await running;
    await expect(queued).rejects.toThrow();
    expect(c.busy).toBe(false);
    expect(model.events.filter((e) => e.startsWith('start'))).toEqual(['start api down']);
  });
});
