import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from '../runtime/agent.js';
import { silentLogger } from '../core/logger.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import { createRegistry } from '../../tools/index.js';
import { makeHome } from '../../test/support/mcp-fixture.js';
import { runRepl } from './repl.js';

let home: ReturnType<typeof makeHome>;
let runtime: Runtime;
beforeEach(() => {
  home = makeHome();
  runtime = openRuntime({ env: home.env, registry: createRegistry(), logger: silentLogger() });
});
afterEach(async () => {
  await runtime.close();
  home.dispose();
});

async function chat(lines: string): Promise<{ out: string; err: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  const errors = new PassThrough();
  let out = '';
  let err = '';
  output.on('data', (d: Buffer) => (out += d.toString()));
  errors.on('data', (d: Buffer) => (err += d.toString()));
  const { conversations } = await createAgent(runtime, { offline: true }, {}, 'alex');
  const done = runRepl({
    runtime,
    conversations,
    conversation: await conversations.open({ kind: 'new' }),
    actor: 'alex',
    mode: 'offline',
    io: { input, output, errors, tty: false },
  });
  input.end(lines);
  await done;
  return { out, err };
}

describe('chat REPL', () => {
  it('runs each /command of a pasted burst on its own, and never sends commands to the model', async () => {
    const { out } = await chat('/incident\n/help\n/quit\nthis line is never sent\n');
    expect(out).toContain('No active incident.');
    expect(out).toContain('/status');
    expect(await runtime.store.listIncidents()).toEqual([]);
  });

  it('answers a multi-line paste once, as one message', async () => {
    const { out } = await chat("Our payment API is returning 500 errors\nand customers can't check out\n");
    expect(out.match(/Initiating incident response/g)).toHaveLength(1);
    const [incident] = await runtime.store.listIncidents();
    expect(incident?.summary).toBe("Our payment API is returning 500 errors\nand customers can't check out");
  });
});
