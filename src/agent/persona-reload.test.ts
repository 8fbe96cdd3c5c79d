import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { silentLogger } from '../core/logger.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import { createRegistry } from '../../tools/index.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../test/support/fake-anthropic.js';
import { createAgent } from '../runtime/agent.js';
import { newSession } from './session.js';

let home: string;
let fake: FakeAnthropic;
let runtime: Runtime;
beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'ic-reload-'));
  copyFileSync(join(packageRoot(), 'SOUL.md'), join(home, 'SOUL.md'));
  fake = await startFakeAnthropic();
  runtime = openRuntime({ env: { INCIDENT_COMMANDER_HOME: home }, registry: createRegistry(), logger: silentLogger() });
});
afterEach(async () => {
  await runtime.close();
  await fake.close();
  rmSync(home, { recursive: true, force: true });
});

function touch(path: string, text: string): void {
  writeFileSync(path, text);
  const later = new Date(Date.now() + 5000);
  utimesSync(path, later, later);
}

describe('persona reload', () => {
  it('applies an edit to SOUL.md on the next turn: a new system prompt and new settings', async () => {
    const env = { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.url, INCIDENT_COMMANDER_MAX_RETRIES: '0' };
    const { agent, mode } = await createAgent(runtime, {}, env, 'alex');
    expect(mode).toBe('anthropic');
    const session = newSession(runtime.clock.now());
    const out = { onText: () => undefined, onNotice: () => undefined };
    fake.enqueue(
      { kind: 'message', content: [{ type: 'text', text: 'one' }] },
      { kind: 'message', content: [{ type: 'text', text: 'two' }] },
    );

    expect(runtime.refreshSoul()).toEqual({ changed: false, error: null });
    await agent.runTurn(session, 'first', out);
    const path = join(home, 'SOUL.md');
    touch(path, readFileSync(path, 'utf8').replace('hypothesis_timebox_minutes: 15', 'hypothesis_timebox_minutes: 10'));
    expect(runtime.refreshSoul()).toEqual({ changed: true, error: null });
    await agent.runTurn(session, 'second', out);

    const system = (i: number): string =>
      (JSON.parse(fake.requests[i]!.rawBody) as { system: { text: string }[] }).system[0]!.text;
    expect(system(0)).toContain('each hypothesis gets 15 minutes');
    expect(system(1)).toContain('each hypothesis gets 10 minutes');
    expect(runtime.context('x').settings.hypothesis_timebox_minutes).toBe(10);
  });

  it('keeps the previous persona when an edit breaks SOUL.md, and picks up the fix', () => {
    const path = join(home, 'SOUL.md');
    const good = readFileSync(path, 'utf8');
    const before = runtime.soul.hash;
    touch(path, good.replace('max_tokens: 2048', 'max_tokens: lots'));
    const broken = runtime.refreshSoul();
    expect(broken.changed).toBe(false);
    expect(broken.error?.message).toContain('field "max_tokens": expected number, got "lots"');
    expect(runtime.soul.hash).toBe(before);
    touch(path, good.replace('max_tokens: 2048', 'max_tokens: 4096'));
    expect(runtime.refreshSoul().changed).toBe(true);
    expect(runtime.soul.config.max_tokens).toBe(4096);
  });
});
