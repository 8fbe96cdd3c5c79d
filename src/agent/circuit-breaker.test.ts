import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { ModelUnavailableError, type ModelPort, type ModelRequest, type ModelResponse, ZERO_USAGE } from './types.js';

/** A model port that fails or answers as scripted, and counts what it was asked. */
class ScriptedPort implements ModelPort {
  readonly name = 'scripted';
  calls = 0;
  probes = 0;
  down = true;
  probeOk = false;
  async respond(): Promise<ModelResponse> {
    this.calls++;
    if (this.down)
      throw new ModelUnavailableError('Claude is unreachable: connection refused', 3, undefined, 'unreachable');
    return { content: [{ type: 'text', text: 'ok' }], stopReason: 'end_turn', usage: ZERO_USAGE, model: 'm' };
  }
  async probe(): Promise<void> {
    this.probes++;
    if (!this.probeOk) throw new Error('still down');
  }
}

const request = { model: 'claude-test' } as ModelRequest;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CircuitBreaker', () => {
  it('after one failure, answers at once without asking the model, until a background probe finds it back', async () => {
    const inner = new ScriptedPort();
    const breaker = new CircuitBreaker(inner, { probeMs: 20, maxProbeMs: 40, logger: silentLogger() });
    const notices: string[] = [];
    const events = { onText: () => undefined, onNotice: (m: string) => void notices.push(m) };
    const first = await breaker.respond(request, events).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ModelUnavailableError);
    expect((first as ModelUnavailableError).alreadyReported).toBe(false);
    for (let i = 0; i < 3; i++) {
      const again = await breaker.respond(request, events).catch((e: unknown) => e);
      expect(again).toMatchObject({ alreadyReported: true, attempts: 0, kind: 'unreachable' });
    }
    expect(inner.calls).toBe(1);
    expect(breaker.openReason?.message).toContain('connection refused');

    await wait(70);
    expect(inner.probes).toBeGreaterThanOrEqual(2);
    expect(inner.calls).toBe(1);

    inner.down = false;
    inner.probeOk = true;
    await wait(80);
    expect(breaker.openReason).toBeNull();
    await expect(breaker.respond(request, events)).resolves.toMatchObject({ stopReason: 'end_turn' });
    expect(notices).toEqual(['Claude is reachable again: answering with Claude from this message on.']);
    await breaker.respond(request, events);
    expect(notices).toHaveLength(1);
    breaker.dispose();
  });
});
