import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as NodeHttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ToolCatalog } from './catalog.js';
import { drain } from './drain.js';
import { checkRequest, type GuardOptions } from './http-guard.js';
import { createMcpServer, type CommanderMcpServer } from './server.js';

export interface HttpServerOptions extends GuardOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxBodyBytes: number;
  maxSessions: number;
  sessionIdleMs: number;
  drainMs: number;
  /** Per-client request budget per minute; 0 disables the limit. */
  rateLimitPerMinute: number;
}

export { HTTP_DEFAULTS } from './http-defaults.js';

export interface RunningHttpServer {
  url: string;
  port: number;
  sessions(): number;
  /** Stops accepting, finishes in-flight calls, closes every session and the store. */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  mcp: CommanderMcpServer;
  lastSeen: number;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

/** A fixed-window request budget per client address. */
class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly perMinute: number) {}
  /** Seconds to wait, or 0 when the request may proceed. */
  take(client: string, now = Date.now()): number {
    if (this.perMinute <= 0) return 0;
    const w = this.windows.get(client);
    if (!w || now - w.start >= 60_000) {
      this.windows.set(client, { start: now, count: 1 });
      if (this.windows.size > 10_000) for (const [k, v] of this.windows) if (now - v.start >= 60_000) this.windows.delete(k);
      return 0;
    }
    if (w.count < this.perMinute) {
      w.count++;
      return 0;
    }
    return Math.ceil((w.start + 60_000 - now) / 1000);
  }
}

/**
 * Streamable HTTP at /mcp with one MCP session per client. Requests pass the Host/Origin/token
 * guard, the rate limit and the body limit before they reach MCP.
 */
export async function startHttpServer(runtime: Runtime, catalog: ToolCatalog, options: HttpServerOptions): Promise<RunningHttpServer> {
  const sessions = new Map<string, Session>();
  const limiter = new RateLimiter(options.rateLimitPerMinute);
  const log = runtime.logger.child({ component: 'mcp-http' });
  let posts = 0;
  let closing = false;

  const closeSession = async (id: string): Promise<void> => {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    await s.transport.close().catch(() => undefined);
    await s.mcp.close().catch(() => undefined);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    const verdict = checkRequest({ host: req.headers.host, origin: req.headers.origin, authorization: req.headers.authorization }, options);
    if (!verdict.ok) {
      log.warn({ status: verdict.status, reason: verdict.message, remote: req.socket.remoteAddress }, 'request refused');
      reply(res, verdict.status, -32000, verdict.message, verdict.headers);
      return;
    }
    const wait = limiter.take(req.socket.remoteAddress ?? 'unknown');
    if (wait > 0) {
      reply(res, 429, -32000, 'rate limit exceeded', { 'retry-after': String(wait) });
      return;
    }
    if (path === '/healthz' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: closing ? 'stopping' : 'ok', sessions: sessions.size }));
      return;
    }
    if (path !== '/mcp') {
      reply(res, 404, -32000, `not found: the MCP endpoint is /mcp`);
      return;
    }
    if (closing) {
      reply(res, 503, -32000, 'server is shutting down', { connection: 'close' });
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    const known = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (known) known.lastSeen = Date.now();

    if (req.method === 'POST') {
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        reply(res, 415, -32000, 'Content-Type must be application/json');
        return;
      }
      posts++;
      try {
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req, options.maxBodyBytes));
        } catch (error) {
          if (error instanceof BodyTooLarge) {
            reply(res, 413, -32000, `request body larger than ${options.maxBodyBytes} bytes`, { connection: 'close' });
            req.resume();
            return;
          }
          reply(res, 400, -32700, 'Parse error: body is not valid JSON');
          return;
        }
        if (known) {
          await known.transport.handleRequest(req, res, body);
          return;
        }
        if (typeof sessionId === 'string') {
          reply(res, 404, -32001, 'Session not found: initialize a new session');
          return;
        }
        const initializing = Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
        if (!initializing) {
          reply(res, 400, -32000, 'Bad Request: no valid session id; send initialize first');
          return;
        }
        if (sessions.size >= options.maxSessions) {
          reply(res, 503, -32000, `too many sessions (${options.maxSessions}); close idle clients or raise --max-sessions`);
          return;
        }
        const mcp = createMcpServer(runtime, catalog);
        const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: true,
          onsessioninitialized: (id) => {
            sessions.set(id, { transport, mcp, lastSeen: Date.now() });
          },
          onsessionclosed: (id) => void closeSession(id),
        });
        transport.onclose = () => {
          if (transport.sessionId) sessions.delete(transport.sessionId);
        };
        await mcp.server.connect(transport);
        await transport.handleRequest(req, res, body);
      } finally {
        posts--;
      }
      return;
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!known) {
        reply(res, typeof sessionId === 'string' ? 404 : 400, -32000, typeof sessionId === 'string' ? 'Session not found' : 'Bad Request: mcp-session-id header required');
        return;
      }
      await known.transport.handleRequest(req, res);
      return;
    }
    reply(res, 405, -32000, 'Method not allowed', { allow: 'GET, POST, DELETE' });
  };

  const server: NodeHttpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'request failed');
      reply(res, 500, -32603, 'Internal error');
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;

  const sweeper = setInterval(() => {
    const cutoff = Date.now() - options.sessionIdleMs;
    for (const [id, s] of sessions) if (s.lastSeen < cutoff) void closeSession(id);
  }, Math.min(60_000, options.sessionIdleMs));
  sweeper.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostForUrl}:${port}/mcp`;
  log.info({ url, auth: options.token ? 'bearer' : 'none (loopback only)' }, 'mcp http server ready');

  return {
    url,
    port,
    sessions: () => sessions.size,
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(sweeper);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const busy = (): number => posts + [...sessions.values()].reduce((n, s) => n + s.mcp.inFlight(), 0);
      if (!(await drain(busy, options.drainMs))) log.warn({ inFlight: busy() }, 'stopping with requests still running');
      await Promise.all([...sessions.keys()].map(closeSession));
      server.closeAllConnections();
      await stopped;
      await runtime.close();
    },
  };
}
