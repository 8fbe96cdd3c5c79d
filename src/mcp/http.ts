import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as NodeHttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
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
  /** Per-client request budget per rate-limit window (a minute by default); 0 disables the limit. */
  rateLimitPerMinute: number;
  /** Length of the fixed rate-limit window in ms (60,000 by default). */
  rateLimitWindowMs: number;
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

/** How long, and how many more bytes, a refused upload is discarded before its connection is dropped. */
const LINGER_MS = 2_000;
const LINGER_BYTES = 8 * 1024 * 1024;

/**
 * A lingering close: once the refusal is written, half-close and keep discarding what the client
 * is still sending, for at most LINGER_MS and LINGER_BYTES, then drop the connection. Dropping it
 * at once resets it while the client is still writing its body, and the client sees EPIPE or
 * ECONNRESET instead of the 413. Node calls socket.destroySoon() after a `Connection: close`
 * response; this replaces it for this one socket.
 */
function lingerThenClose(socket: Socket): void {
  (socket as Socket & { destroySoon: () => void }).destroySoon = () => {
    socket.end();
    const from = socket.bytesRead;
    const deadline = Date.now() + LINGER_MS;
    const timer = setInterval(() => {
      if (Date.now() >= deadline || socket.bytesRead - from > LINGER_BYTES) socket.destroy();
    }, 50);
    timer.unref();
    socket.once('close', () => clearInterval(timer));
  };
}

/**
 * True when a request's body is still arriving and is too large (declared or chunked) to drain
 * for keep-alive: a refusal then closes the connection instead of reading the whole body.
 */
function bodyTooLargeToDrain(req: IncomingMessage, limit: number): boolean {
  if (req.complete) return false;
  if (req.headers['transfer-encoding'] !== undefined) return true;
  return Number(req.headers['content-length'] ?? 0) > limit;
}

/** Answers with a JSON-RPC error; a refused request with a large body still coming closes its connection. */
function reply(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const close = status >= 400 && bodyTooLargeToDrain(req, limit);
  if (close) lingerThenClose(req.socket);
  res.writeHead(status, { 'content-type': 'application/json', ...headers, ...(close ? { connection: 'close' } : {}) });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

/** A fixed-window request budget per client: its MCP session, or its address before it has one (see handle). */
class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
  ) {}
  /** Seconds to wait, or 0 when the request may proceed. */
  take(client: string, now = Date.now()): number {
    if (this.perWindow <= 0) return 0;
    const w = this.windows.get(client);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.set(client, { start: now, count: 1 });
      if (this.windows.size > 10_000)
        for (const [k, v] of this.windows) if (now - v.start >= this.windowMs) this.windows.delete(k);
      return 0;
    }
    if (w.count < this.perWindow) {
      w.count++;
      return 0;
    }
    return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
  }
}

/**
 * Streamable HTTP at /mcp with one MCP session per client. Requests pass the Host/Origin/token
 * guard, the rate limit and the body limit before they reach MCP.
 */
export async function startHttpServer(
  runtime: Runtime,
  catalog: ToolCatalog,
  options: HttpServerOptions,
): Promise<RunningHttpServer> {
  const sessions = new Map<string, Session>();
  const limiter = new RateLimiter(options.rateLimitPerMinute, options.rateLimitWindowMs);
  const log = runtime.logger.child({ component: 'mcp-http' });
  let posts = 0;
  /** Sessions being initialized: counted against maxSessions before they are registered. */
  let opening = 0;
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
    const refuse = (status: number, code: number, message: string, headers?: Record<string, string>): void =>
      reply(req, res, options.maxBodyBytes, status, code, message, headers);
    const verdict = checkRequest(
      { host: req.headers.host, origin: req.headers.origin, authorization: req.headers.authorization },
      options,
    );
    if (!verdict.ok) {
      log.warn(
        { status: verdict.status, reason: verdict.message, remote: req.socket.remoteAddress },
        'request refused',
      );
      refuse(verdict.status, -32000, verdict.message, verdict.headers);
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    const known = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    // The client is its MCP session when it has one (every local client shares 127.0.0.1, and
    // clients behind a proxy share its address), else its address: initialize, health checks
    // and unknown session ids all count against the address, so new sessions cannot be minted
    // faster than the budget, and a made-up session id buys nothing.
    const wait = limiter.take(
      known ? `session:${sessionId as string}` : `address:${req.socket.remoteAddress ?? 'unknown'}`,
    );
    if (wait > 0) {
      refuse(429, -32000, 'rate limit exceeded', { 'retry-after': String(wait) });
      return;
    }
    if (path === '/healthz' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: closing ? 'stopping' : 'ok', sessions: sessions.size }));
      return;
    }
    if (path !== '/mcp') {
      refuse(404, -32000, `not found: the MCP endpoint is /mcp`);
      return;
    }
    if (closing) {
      refuse(503, -32000, 'server is shutting down', { connection: 'close' });
      return;
    }
    if (known) known.lastSeen = Date.now();

    if (req.method === 'POST') {
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        refuse(415, -32000, 'Content-Type must be application/json');
        return;
      }
      posts++;
      try {
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req, options.maxBodyBytes));
        } catch (error) {
          if (error instanceof BodyTooLarge) {
            refuse(413, -32000, `request body larger than ${options.maxBodyBytes} bytes`);
            return;
          }
          refuse(400, -32700, 'Parse error: body is not valid JSON');
          return;
        }
        if (Array.isArray(body) && body.length === 0) {
          refuse(400, -32600, 'Invalid Request: empty batch');
          return;
        }
        if (known) {
          await known.transport.handleRequest(req, res, body);
          return;
        }
        if (typeof sessionId === 'string') {
          refuse(404, -32001, 'Session not found: initialize a new session');
          return;
        }
        const initializing = Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
        if (!initializing) {
          refuse(400, -32000, 'Bad Request: no valid session id; send initialize first');
          return;
        }
        // Sessions still initializing count too: concurrent initializes cannot overshoot the cap.
        if (sessions.size + opening >= options.maxSessions) {
          refuse(503, -32000, `too many sessions (${options.maxSessions}); close idle clients or raise --max-sessions`);
          return;
        }
        opening++;
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
        try {
          await mcp.server.connect(transport);
          await transport.handleRequest(req, res, body);
        } finally {
          opening--;
          // An initialize the transport refused (bad Accept header, invalid message…) leaves a
          // server that no session holds: close it rather than leave it to the garbage collector.
          if (!transport.sessionId || !sessions.has(transport.sessionId)) {
            await transport.close().catch(() => undefined);
            await mcp.close().catch(() => undefined);
          }
        }
      } finally {
        posts--;
      }
      return;
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!known) {
        refuse(
          typeof sessionId === 'string' ? 404 : 400,
          -32000,
          typeof sessionId === 'string' ? 'Session not found' : 'Bad Request: mcp-session-id header required',
        );
        return;
      }
      await known.transport.handleRequest(req, res);
      return;
    }
    refuse(405, -32000, 'Method not allowed', { allow: 'GET, POST, DELETE' });
  };

  const server: NodeHttpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'request failed');
      reply(req, res, options.maxBodyBytes, 500, -32603, 'Internal error');
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;

  const sweeper = setInterval(
    () => {
      const cutoff = Date.now() - options.sessionIdleMs;
      for (const [id, s] of sessions) if (s.lastSeen < cutoff) void closeSession(id);
    },
    Math.min(60_000, options.sessionIdleMs),
  );
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
