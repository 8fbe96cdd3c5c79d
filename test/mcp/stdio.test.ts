import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli.js';
import { exerciseServer, exitOf, makeHome } from '../support/mcp-fixture.js';

let home: ReturnType<typeof makeHome>;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => home.dispose());

describe('incident-commander mcp (stdio, real child process)', () => {
  it('serves every tool, resource and prompt to the SDK client', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp'],
      env: home.env,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      await exerciseServer(client);
    } finally {
      await client.close();
    }
  });

  it('writes only JSON-RPC to stdout, logs to stderr, and a second process sees its writes', async () => {
    const child = spawn(process.execPath, [CLI, 'mcp'], {
      env: { ...home.env, INCIDENT_COMMANDER_LOG_LEVEL: 'debug' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const send = (msg: object): boolean => child.stdin.write(`${JSON.stringify(msg)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: {
        name: 'open_incident',
        arguments: { title: 'Checkout down', description: "customers can't check out" },
      },
    });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'open_incident', arguments: { title: 42 } } });
    await expect.poll(() => stdout.split('\n').filter(Boolean).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    child.stdin.end();
    expect(await exitOf(child)).toBe(0);

    const lines = stdout.split('\n').filter(Boolean);
    const messages = lines.map(
      (l) => JSON.parse(l) as { jsonrpc: string; id?: number; result?: { isError?: boolean }; method?: string },
    );
    expect(messages.every((m) => m.jsonrpc === '2.0')).toBe(true);
    expect(messages.find((m) => m.id === 3)?.result?.isError).toBe(true);
    expect(stderr).toMatch(/"level":\d+/);

    const list = await runCli(['incidents', 'list'], { env: home.env });
    expect(list.stdout).toMatch(/^INC-1 +SEV1 investigating .* Checkout down/);
  });

  it('finishes and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'mcp'], { env: home.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })}\n`,
    );
    await expect.poll(() => stdout.length, { timeout: 10_000 }).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });
});
