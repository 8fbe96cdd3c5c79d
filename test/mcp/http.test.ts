import { readFileSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOOL_NAMES } from '../../tools/index.js';
import { runCli } from '../support/cli.js';
import { exerciseServer, exitOf, makeHome, startHttpProcess } from '../support/mcp-fixture.js';

const TOKEN = 'test-token-0123456789abcdef';
let home: ReturnType<typeof makeHome>;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => home.dispose());

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
/** node:http, not fetch: fetch silently drops a custom Host header. */
function post(
  url: string,
  headers: Record<string, string> = {},
  body = initialize,
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('incident-commander mcp --http (real child process)', () => {
  it('serves every tool, resource and prompt to several SDK clients at once', async () => {
    const server = await startHttpProcess(home.env);
    const clients = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const c = new Client({ name: `http-test-${n}`, version: '1.0.0' });
        await c.connect(new StreamableHTTPClientTransport(new URL(server.url)));
        return c;
      }),
    );
    try {
      await exerciseServer(clients[0]!);
      const [a, b] = await Promise.all([
        clients[1]!.listTools(),
        clients[2]!.callTool({ name: 'get_incident', arguments: { incidentId: 'INC-1' } }),
      ]);
      expect(a.tools.length).toBe(TOOL_NAMES.length);
      expect(b.isError ?? false).toBe(false);
      const list = await runCli(['incidents', 'list'], { env: home.env });
      expect(list.stdout).toMatch(/^INC-1 +SEV1/);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      server.child.kill('SIGTERM');
      expect(await exitOf(server.child)).toBe(0);
    }
  });

  it('refuses foreign Host and Origin headers (DNS rebinding), oversized bodies, and non-JSON', async () => {
    const server = await startHttpProcess(home.env, ['--max-body', '4096']);
    try {
      const evilHost = await post(server.url, { host: 'evil.example.com' });
      expect(evilHost.status).toBe(403);
      const evilOrigin = await post(server.url, { origin: 'http://evil.example.com' });
      expect(evilOrigin.status).toBe(403);
      const localOrigin = await post(server.url, { origin: 'http://localhost:3000' });
      expect(localOrigin.status).toBe(200);
      const huge = await post(
        server.url,
        {},
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(10_000) } }),
      );
      expect(huge.status).toBe(413);
      const notJson = await post(server.url, {}, '{"jsonrpc":');
      expect(notJson.status).toBe(400);
      const wrongType = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'hi',
      });
      expect(wrongType.status).toBe(415);
      const noSession = await post(server.url, {}, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }));
      expect(noSession.status).toBe(400);
      const goneSession = await post(
        server.url,
        { 'mcp-session-id': 'no-such-session' },
        JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      );
      expect(goneSession.status).toBe(404);
      expect((await fetch(server.url.replace('/mcp', '/other'))).status).toBe(404);
      expect(server.stderr()).toContain('request refused');
    } finally {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
  });

  it('requires the bearer token when one is set, and refuses to bind beyond loopback without one', async () => {
    const server = await startHttpProcess({ ...home.env, INCIDENT_COMMANDER_MCP_TOKEN: TOKEN });
    try {
      const none = await post(server.url);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      expect((await post(server.url, { authorization: 'Bearer wrong-token-0000000000' })).status).toBe(401);
      expect((await post(server.url, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      const client = new Client({ name: 'auth', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
        }),
      );
      expect((await client.listTools()).tools.length).toBe(TOOL_NAMES.length);
      await client.close();
    } finally {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
    const exposed = await runCli(['mcp', '--http', '--host', '0.0.0.0', '--port', '0'], { env: home.env });
    expect(exposed.code).toBe(2);
    expect(exposed.stderr).toContain('--host 0.0.0.0 exposes the server beyond this machine and needs a bearer token');
  });

  it('takes the token from --token-file; --token works but warns and is blanked from the process list', async () => {
    const file = join(home.home, 'mcp-token');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    const fromFile = await startHttpProcess(home.env, ['--token-file', file]);
    try {
      expect((await post(fromFile.url)).status).toBe(401);
      expect((await post(fromFile.url, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      expect(fromFile.stderr()).not.toContain('warning');
    } finally {
      fromFile.child.kill('SIGTERM');
      await exitOf(fromFile.child);
    }
    const onCommandLine = await startHttpProcess(home.env, ['--token', TOKEN]);
    try {
      expect(onCommandLine.stderr()).toContain('warning: --token is visible to every user of this machine');
      const cmdline = readFileSync(`/proc/${onCommandLine.child.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain(TOKEN);
      expect(cmdline).toContain('[redacted]');
      expect((await post(onCommandLine.url, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    } finally {
      onCommandLine.child.kill('SIGTERM');
      await exitOf(onCommandLine.child);
    }
    const missing = await runCli(['mcp', '--http', '--port', '0', '--token-file', join(home.home, 'nope')], {
      env: home.env,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--token-file ${join(home.home, 'nope')}: cannot read it (ENOENT)`);
  });

  it('exits 0 on SIGTERM and leaves the store readable', async () => {
    const server = await startHttpProcess(home.env);
    const client = new Client({ name: 'stop', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    await client.callTool({ name: 'open_incident', arguments: { title: 'Search slow' } });
    server.child.kill('SIGTERM');
    expect(await exitOf(server.child)).toBe(0);
    const after = await runCli(['incidents', 'list'], { env: home.env });
    expect(after.stdout).toMatch(/^INC-1 /);
  });
});
