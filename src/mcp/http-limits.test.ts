/**
 * What one client cannot take from the others over HTTP: time (bodies and headers that never
 * arrive), memory (uploads in flight), connections, sessions, the rate limit (a batch is many
 * requests) and the event loop (a batch of slow tools). In-process, on 127.0.0.1, port 0.
 */
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import { createRegistry } from '../../tools/index.js';
import { makeHome } from '../../test/support/mcp-fixture.js';
import { ToolCatalog } from './catalog.js';
import { HTTP_DEFAULTS, type HttpServerOptions, type RunningHttpServer, startHttpServer } from './http.js';

const PROTOCOL = '2025-11-25';
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

let home: ReturnType<typeof makeHome>;
let runtime: Runtime;
let server: RunningHttpServer | undefined;
const sockets: Socket[] = [];

beforeEach(() => {
  home = makeHome();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
  home.dispose();
});

async function start(options: Partial<HttpServerOptions> = {}): Promise<RunningHttpServer> {
  runtime = openRuntime({ env: home.env, registry: createRegistry(), logger: silentLogger() });
  server = await startHttpServer(runtime, new ToolCatalog(runtime.registry), {
    ...HTTP_DEFAULTS,
    port: 0,
    token: null,
    allowedHosts: [],
    allowedOrigins: [],
    ...options,
  });
  return server;
}

const initialize = (name: string): string =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name, version: '1' } },
  });

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** initialize; returns the headers that carry the session. */
async function openSession(url: string, name: string): Promise<Record<string, string>> {
  const init = await post(url, initialize(name));
  expect(init.status, init.text).toBe(200);
  return { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': PROTOCOL };
}

const ping = (url: string, session: Record<string, string>, id = 1) =>
  post(url, JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' }), session);

/** A raw connection that sends `head` (and whatever part of a body) and then nothing more. */
function stall(url: string, head: string): Promise<{ socket: Socket; answer: Promise<{ text: string; ms: number }> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    sockets.push(socket);
    const t0 = performance.now();
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    const answer = new Promise<{ text: string; ms: number }>((done) =>
      socket.once('close', () => done({ text, ms: performance.now() - t0 })),
    );
    socket.once('connect', () => {
      socket.write(head);
      resolve({ socket, answer });
    });
    socket.once('error', reject);
  });
}

const postHead = (url: string, length: number): string =>
  `POST /mcp HTTP/1.1\r\nHost: ${new URL(url).host}\r\nContent-Type: application/json\r\nAccept: ${JSON_HEADERS.accept}\r\nContent-Length: ${length}\r\n\r\n`;

describe('HTTP limits: time', () => {
  it('cuts off a body that never arrives with 408 and closes the connection', async () => {
    const { url } = await start({ bodyTimeoutMs: 300 });
    const { answer } = await stall(url, `${postHead(url, 1000)}{"jsonrpc":"2.0"`);
    const { text, ms } = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toMatch(/connection: close/i);
    expect(text).toContain('request body did not arrive within');
    expect(ms).toBeLessThan(5_000);
    expect((await post(url, initialize('after'))).status).toBe(200);
  });

  it('closes a connection whose request headers never finish', async () => {
    const { url } = await start({ headersTimeoutMs: 300 });
    const { answer } = await stall(url, `POST /mcp HTTP/1.1\r\nHost: ${new URL(url).host}\r\nX-Slow: `);
    const { ms } = await answer;
    expect(ms).toBeLessThan(5_000);
  });
});

describe('HTTP limits: memory and connections', () => {
  it('holds at most maxBytesInFlight of unfinished uploads: the upload past it gets 503, small requests still pass', async () => {
    const { url } = await start({ maxBodyBytes: 100_000, maxBytesInFlight: 250_000, bodyTimeoutMs: 10_000 });
    const part = 'x'.repeat(90_000);
    const uploads = [];
    for (let i = 0; i < 4; i++) {
      const u = await stall(url, `${postHead(url, 100_000)}${part}`);
      uploads.push(u);
      await new Promise((r) => setTimeout(r, 50));
    }
    const refused = await Promise.race([
      Promise.any(uploads.map((u) => u.answer)),
      new Promise<null>((r) => setTimeout(() => r(null), 3_000)),
    ]);
    expect(refused?.text).toMatch(/^HTTP\/1\.1 503 [\s\S]*retry-after: 1[\s\S]*server busy receiving other uploads/i);
    expect((await post(url, initialize('small'))).status).toBe(200);
  });

  it('drops the longest-stalled connection to let a new client in when every slot is taken', async () => {
    const { url } = await start({ maxConnections: 20 });
    const stalled = [];
    for (let i = 0; i < 40; i++) stalled.push(await stall(url, postHead(url, 500)));
    const session = await openSession(url, 'newcomer');
    expect((await ping(url, session)).status).toBe(200);
    const closed = await Promise.all(
      stalled
        .slice(0, 20)
        .map((s) => Promise.race([s.answer.then(() => true), new Promise((r) => setTimeout(() => r(false), 2_000))])),
    );
    expect(closed.every(Boolean)).toBe(true);
    const health = (await (await fetch(url.replace('/mcp', '/healthz'))).json()) as { connectionsShed: number };
    expect(health.connectionsShed).toBeGreaterThanOrEqual(20);
  });
});

describe('HTTP limits: sessions and the rate limit', () => {
  it('keeps one client within its session quota by closing its own oldest session, never another client’s', async () => {
    const { url } = await start({ maxSessions: 10, maxSessionsPerClient: 3 });
    const polite = await openSession(url, 'polite');
    const greedy = [];
    for (let i = 0; i < 12; i++) greedy.push(await openSession(url, 'greedy'));
    expect(server!.sessions()).toBe(4);
    expect((await ping(url, greedy[0]!)).status).toBe(404);
    expect((await ping(url, greedy[11]!)).status).toBe(200);
    expect((await ping(url, polite)).status).toBe(200);
    expect((await post(url, initialize('third'))).status).toBe(200);
  });

  it('lets a new client in when the server is full by closing a session idle past sessionEvictIdleMs', async () => {
    const { url } = await start({ maxSessions: 4, maxSessionsPerClient: 4, sessionEvictIdleMs: 300 });
    const names = ['a', 'b', 'c', 'd'];
    const held = [];
    for (const name of names) held.push(await openSession(url, name));
    // All four were used just now: the newcomer waits rather than take a live session.
    expect((await post(url, initialize('late'))).status).toBe(503);
    await new Promise((r) => setTimeout(r, 400));
    expect((await ping(url, held[3]!)).status).toBe(200);
    expect((await post(url, initialize('late'))).status).toBe(200);
    expect((await ping(url, held[0]!)).status).toBe(404);
    expect((await ping(url, held[3]!)).status).toBe(200);
  });

  it('counts every message of a batch against the rate limit', async () => {
    const { url } = await start({ rateLimitPerMinute: 10 });
    const session = await openSession(url, 'batcher');
    const batch = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'ping' })));
    const refused = await post(url, batch, session);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('a batch counts each of its 20 messages');
    const small = JSON.stringify(Array.from({ length: 5 }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'ping' })));
    expect((await post(url, small, session)).status).toBe(200);
    expect((await post(url, small, session)).status).toBe(429);
  });
});

describe('HTTP limits: slow tools', () => {
  it('answers another client while one client’s batch of fetch_deploys reads a large deploy log', async () => {
    const log = join(home.home, 'deploys.jsonl');
    const now = Date.now();
    writeFileSync(
      log,
      Array.from({ length: 40_000 }, (_, i) =>
        JSON.stringify({ service: 'payment-api', at: new Date(now - i * 10_000).toISOString(), version: `v${i}` }),
      ).join('\n'),
    );
    writeFileSync(
      join(home.home, 'services.yaml'),
      'services:\n  payment-api:\n    repo: ./repos/payment-api\n    deploy_log: ./deploys.jsonl\n',
    );
    const { url } = await start();
    const busy = await openSession(url, 'busy');
    const other = await openSession(url, 'other');
    const batch = Array.from({ length: 40 }, (_, i) => ({
      jsonrpc: '2.0',
      id: i + 1,
      method: 'tools/call',
      params: { name: 'fetch_deploys', arguments: { service: 'payment-api', since: '2h' } },
    }));
    const order: string[] = [];
    const slow = post(url, JSON.stringify(batch), busy).then((r) => {
      order.push('batch');
      return r;
    });
    await new Promise((r) => setTimeout(r, 20));
    const quick = ping(url, other).then((r) => {
      order.push('ping');
      return r;
    });
    const [batchReply, pingReply] = await Promise.all([slow, quick]);
    expect(pingReply.status).toBe(200);
    expect(batchReply.status).toBe(200);
    expect((JSON.parse(batchReply.text) as unknown[]).length).toBe(40);
    expect(order).toEqual(['ping', 'batch']);
  }, 60_000);
});
