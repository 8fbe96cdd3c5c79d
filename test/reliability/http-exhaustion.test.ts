/**
 * The HTTP server as shipped, as a child process, against clients that try to exhaust it:
 * uploads that stall (file descriptors), bodies that never arrive (time), one long session
 * (memory). Figures go to .reliability-out/http-exhaustion.json. IC_SOAK=10 runs 20,000
 * stalled uploads.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { recordFigures, soak } from '../support/figures.js';
import { exitOf, makeHome, startHttpProcess } from '../support/mcp-fixture.js';

const PROTOCOL = '2025-11-25';
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const home = makeHome();
const children: ChildProcess[] = [];
const figures: Record<string, unknown> = {};

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exitOf(child);
    }
  }
  recordFigures('http-exhaustion', figures);
  home.dispose();
});

async function start(args: string[] = [], wrapper: string[] = []) {
  const server = await startHttpProcess(home.env, args, wrapper);
  children.push(server.child);
  return server;
}

const rssMiB = (pid: number): number =>
  Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

async function rpc(
  url: string,
  body: unknown,
  session?: string,
): Promise<{ status: number; json: unknown; id: string | null }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...HEADERS, ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': PROTOCOL } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text ? (JSON.parse(text) as unknown) : null,
    id: res.headers.get('mcp-session-id'),
  };
}

async function openSession(url: string, name: string): Promise<string> {
  const init = await rpc(url, {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name, version: '1' } },
  });
  expect(init.status).toBe(200);
  return init.id!;
}

/** Opens a connection, sends headers and part of a body, then nothing; resolves once it is connected. */
function stalledUpload(url: string, onClose: () => void): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.on('error', () => undefined);
    socket.once('close', onClose);
    socket.once('connect', () => {
      socket.write(
        `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"jsonrpc":"2.0",`,
      );
      resolve(socket);
    });
    // A connection the server refused or dropped before it connected still counts as tried.
    socket.once('close', () => resolve(socket));
  });
}

describe('mcp --http under exhaustion (real child process)', () => {
  it(
    'keeps answering new clients through stalled uploads past its file-descriptor limit',
    async () => {
      const COUNT = 2_000 * soak();
      // 1,024 descriptors: the server caps itself at half, whatever --max-connections' default.
      const { url, child, stderr } = await start([], ['prlimit', '--nofile=1024:1024']);
      const open = new Set<Socket>();
      let closed = 0;
      for (let i = 0; i < COUNT; i += 200) {
        const wave = await Promise.all(
          Array.from({ length: Math.min(200, COUNT - i) }, () =>
            stalledUpload(url, () => {
              closed++;
            }),
          ),
        );
        for (const s of wave) if (!s.destroyed) open.add(s);
        for (const s of open) if (s.destroyed) open.delete(s);
      }
      const session = await openSession(url, 'after-the-flood');
      const call = await rpc(
        url,
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'classify_severity', arguments: { description: 'checkout is down' } },
        },
        session,
      );
      expect(call.status).toBe(200);
      expect(call.json).toMatchObject({ result: { structuredContent: { level: expect.any(String) } } });
      const health = (await (await fetch(url.replace('/mcp', '/healthz'))).json()) as {
        connections: number;
        connectionsShed: number;
      };
      expect(health.connections).toBeLessThanOrEqual(512);
      expect(health.connectionsShed).toBeGreaterThanOrEqual(COUNT - 512);
      Object.assign(figures, {
        stalledUploads: COUNT,
        fdLimit: 1024,
        serverConnectionsAfter: health.connections,
        closedByServer: closed,
        serverRssMiB: Math.round(rssMiB(child.pid!)),
      });
      for (const s of open) s.destroy();
      expect(stderr()).not.toMatch(/EMFILE|"level":(50|60)/);
    },
    120_000 * soak(),
  );

  it('cuts off a body that never arrives, at the default limits, well within 30 s', async () => {
    const { url } = await start();
    const { hostname, port } = new URL(url);
    const t0 = performance.now();
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ host: hostname, port: Number(port) });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('error', () => undefined);
      socket.once('close', () => resolve(text));
      socket.write(
        `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"jsonrpc":`,
      );
    });
    const seconds = (performance.now() - t0) / 1000;
    figures['bodyCutOffSeconds'] = Math.round(seconds * 10) / 10;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(seconds).toBeLessThan(30);
  }, 40_000);

  it('grows by less than 40 MiB over 6,000 calls in one session', async () => {
    const CALLS = 6_000;
    const { url, child } = await start();
    const caller = (session: string) => (id: number, name: string, args: Record<string, unknown>) =>
      rpc(url, { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }, session);
    // Another session warms the process up first (heap sizing, compiled code, caches), so what
    // is measured is what one long session adds, not what a process needs to get going.
    const warm = caller(await openSession(url, 'warm-up'));
    await warm(1, 'open_incident', { title: 'Checkout failing', services: ['payment-api'] });
    for (let i = 0; i < 40; i++)
      await warm(2 + i, 'log_event', { incidentId: 'INC-1', text: `observation ${i}: error rate at ${i}%` });
    for (let i = 0; i < 1_500; i++) await warm(100 + i, 'get_incident', { incidentId: 'INC-1' });
    const before = rssMiB(child.pid!);
    const call = caller(await openSession(url, 'long-session'));
    let bytes = 0;
    for (let i = 0; i < CALLS; i++) {
      const reply = await call(1 + i, 'get_incident', { incidentId: 'INC-1' });
      expect(reply.status).toBe(200);
      bytes += JSON.stringify(reply.json).length;
    }
    const grown = rssMiB(child.pid!) - before;
    Object.assign(figures, {
      longSessionCalls: CALLS,
      longSessionAnswerBytes: Math.round(bytes / CALLS),
      longSessionRssBeforeMiB: Math.round(before),
      longSessionRssGrowthMiB: Math.round(grown * 10) / 10,
    });
    expect(grown).toBeLessThan(40);
  }, 120_000);
});
