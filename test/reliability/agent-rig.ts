import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClaudeModel } from '../../src/agent/claude-model.js';
import { Agent, type TurnOutput } from '../../src/agent/loop.js';
import { packageRoot } from '../../src/config/package-root.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { Playbook } from '../../src/playbook/playbook.js';
import type { KnownService } from '../../src/playbook/step.js';
import { loadSoul, type Soul } from '../../src/soul/load.js';
import type { Limits } from '../../src/soul/schema.js';
import { TOOL_NAMES } from '../../tools/index.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeStep } from '../support/fake-anthropic.js';
import { createHarness, type Harness, type HarnessOptions } from '../support/harness.js';

/**
 * The agent as the CLI wires it — the loop, Claude through the real SDK against the fake Messages
 * API, the offline playbook as fallback, the real registry — over a real SQLite file in a temp dir.
 */
export interface Rig {
  fake: FakeAnthropic;
  h: Harness;
  dir: string;
  dbPath: string;
  soul: Soul;
  notices: string[];
  texts: string[];
  output: TurnOutput;
  agent(options?: RigAgentOptions): Agent;
  close(): Promise<void>;
}

export interface RigAgentOptions {
  fallback?: boolean;
  maxRetries?: number;
  streamRetries?: number;
  timeoutMs?: number;
  limits?: Partial<Limits>;
  services?: KnownService[];
  runbooks?: boolean;
  logger?: Logger;
}

export async function startRig(harness: Omit<HarnessOptions, 'dbPath'> = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'ic-rel-'));
  const dbPath = join(dir, 'state.db');
  const fake = await startFakeAnthropic();
  const h = createHarness({ start: '2026-11-26T14:00:00Z', ...harness, dbPath });
  const notices: string[] = [];
  const texts: string[] = [];
  const rig: Rig = {
    fake,
    h,
    dir,
    dbPath,
    soul: loadSoul(join(packageRoot(), 'SOUL.md'), TOOL_NAMES),
    notices,
    texts,
    output: { onText: (d) => void texts.push(d), onNotice: (m) => void notices.push(m) },
    agent(options: RigAgentOptions = {}) {
      const logger = options.logger ?? silentLogger();
      const model = new ClaudeModel({
        apiKey: 'test-key-not-secret',
        baseURL: fake.url,
        maxRetries: options.maxRetries ?? 2,
        timeoutMs: options.timeoutMs ?? 3000,
        streamRetries: options.streamRetries ?? 2,
        backoffMs: 5,
        logger,
      });
      const playbook = new Playbook(() => ({
        services: options.services ?? [],
        settings: rig.soul.config.settings,
        severity: h.ctx.severity,
        runbooks: options.runbooks ?? false,
      }));
      return new Agent({
        model,
        fallback: options.fallback === false ? null : playbook,
        soul: () => rig.soul,
        registry: h.registry,
        context: () => h.ctx,
        sessions: h.sessions,
        templates: h.ctx.templates,
        clock: h.clock,
        logger,
        actor: 'alex',
        overrides: { limits: options.limits ?? {} },
      });
    },
    async close() {
      await fake.close();
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

export const text = (t: string): FakeStep => ({ kind: 'message', content: [{ type: 'text', text: t }] });
export const tools = (...calls: { name: string; input: Record<string, unknown>; id?: string }[]): FakeStep => ({
  kind: 'message',
  content: calls.map((c) => ({
    type: 'tool_use' as const,
    name: c.name,
    input: c.input,
    ...(c.id ? { id: c.id } : {}),
  })),
});
/** One HTTP error per attempt: the SDK consumes one queued step for every retry. */
export const httpErrors = (n: number, status: number, errorType: string, retryAfterSeconds = 0.01): FakeStep[] =>
  Array.from({ length: n }, () => ({ kind: 'http_error' as const, status, errorType, retryAfterSeconds }));

export type Block = {
  type: string;
  id?: string;
  name?: string;
  tool_use_id?: string;
  is_error?: boolean;
  content?: unknown;
  text?: string;
  cache_control?: unknown;
};
export type Msg = { role: string; content: Block[] };
export type Body = { system: Block[]; tools: (Block & { name: string })[]; messages: Msg[] };

/** Every request the fake received, as the API saw it (parsed from the raw bytes). */
export const bodies = (fake: FakeAnthropic): Body[] => fake.requests.map((r) => JSON.parse(r.rawBody) as Body);
