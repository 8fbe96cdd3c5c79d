import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as NodeHttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { ExternalError } from '../core/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ToolCatalog } from './catalog.js';
import { drain } from './drain.js';
import { BodyRefused, BytesInFlight, readBody } from './http-body.js';
import { ConnectionGuard } from './http-connections.js';
import { checkRequest, type GuardOptions } from './http-guard.js';
import { type HttpSession, SessionTable } from './http-sessions.js';
import { releaseAnsweredResponses } from './json-response-release.js';
import { clientLabel, createMcpServer } from './server.js';

export interface HttpServerOptions extends GuardOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxBodyBytes: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  maxBytesInFlight: number;
  maxSessions: number;
  maxSessionsPerClient: number;
  sessionEvictIdleMs: number;
  sessionIdleMs: number;
  drainMs: number;
  /** Per-client request budget per rate-limit window (a minute by default); 0 disables the limit. */
  rateLimitPerMinute: number;
  /** Length of the fixed rate-limit window in ms (60,000 by default). */
  rateLimitWindowMs: number;
  maxConcurrentCallsPerSession: number;
  maxSubscriptionsPerSession: number;
  /**
   * Other endpoints served beside /mcp by exact path (the integrations' webhooks): each
   * authenticates its own requests (a signature), so they skip the bearer-token guard.
   */
  mounts?: ReadonlyMap<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
}

export { HTTP_DEFAULTS } from './http-defaults.js';

export interface RunningHttpServer {
  url: string;
  port: number;
  sessions(): number;
  /** Stops accepting, finishes in-flight calls, closes every session and the store. */
  close(): Promise<void>;
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

/**
 * Answers with a JSON-RPC error; a refused request with a large body still coming closes its
 * connection, and so does `close` (a body that stalled: waiting for the rest is what it wants).
 */
function reply(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
  forceClose = false,
): void {
  if (res.headersSent || res.destroyed) return;
  const close = forceClose || (status >= 400 && bodyTooLargeToDrain(req, limit));
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
  /** Takes `cost` requests (each message of a batch is one); seconds to wait, or 0 when they may proceed. */
  take(client: string, cost = 1, now = Date.now()): number {
    if (this.perWindow <= 0) return 0;
    let w = this.windows.get(client);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(client, w);
      if (this.windows.size > 10_000)
        for (const [k, v] of this.windows) if (now - v.start >= this.windowMs) this.windows.delete(k);
    }
    if (w.count + cost <= this.perWindow) {
      w.count += cost;
      return 0;
    }
    return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
  }
}

/** Why the server could not listen, said so the operator can act on it. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (error.code === 'EADDRINUSE')
    return new ExternalError(
      `cannot listen on ${where}: the port is already in use`,
      `Stop the other server on port ${port}, or pass --port with a free port (--port 0 picks one).`,
    );
  if (error.code === 'EACCES')
    return new ExternalError(
      `cannot listen on ${where}: permission denied`,
      'Ports below 1024 need privileges: pass --port 1024 or higher.',
    );
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return new ExternalError(
      `cannot listen on ${where}: this machine has no such address`,
      "Pass --host with one of this machine's addresses, or 127.0.0.1.",
    );
  return error;
}

/** The JSON-RPC messages of a body: a batch counts each one (rate limit, initialize detection). */
const messagesOf = (body: unknown): unknown[] => (Array.isArray(body) ? body : [body]);

/** Answers a request with a JSON-RPC error (and closes the connection when told to). */
type Refuse = (
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
  close?: boolean,
) => void;

/**
 * Streamable HTTP at /mcp with one MCP session per client. Requests pass the Host/Origin/token
 * guard, the rate limit and the body limits before they reach MCP; connections, bytes in flight
 * and sessions are capped so that one client cannot exhaust what the others need.
 */
export async function startHttpServer(
  runtime: Runtime,
  catalog: ToolCatalog,
  options: HttpServerOptions,
): Promise<RunningHttpServer> {
  const sessions = new SessionTable({
    maxSessions: options.maxSessions,
    maxSessionsPerClient: options.maxSessionsPerClient,
    evictIdleMs: options.sessionEvictIdleMs,
  });
  const limiter = new RateLimiter(options.rateLimitPerMinute, options.rateLimitWindowMs);
  const inFlight = new BytesInFlight(options.maxBytesInFlight);
  const connections = new ConnectionGuard(options);
  const log = runtime.logger.child({ component: 'mcp-http' });
  let posts = 0;
  let closing = false;
  let patched = true;

  const closeSession = async (id: string): Promise<void> => {
    const s = sessions.remove(id);
    if (!s) return;
    await s.transport.close().catch(() => undefined);
    await s.mcp.close().catch(() => undefined);
  };

  /** Counts a request against its session while it is answered (an SSE stream stays open). */
  const holdSession = (session: HttpSession, res: ServerResponse): void => {
    session.active++;
    sessions.touch(session);
    res.once('close', () => {
      session.active--;
      session.lastSeen = Date.now();
    });
  };

  const openSession = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    refuse: Refuse,
  ): Promise<void> => {
    const init = messagesOf(body).find((m) => isInitializeRequest(m));
    const name = clientLabel(init?.params.clientInfo.name);
    const client = `${req.socket.remoteAddress ?? 'unknown'} ${name}`;
    const admission = sessions.admit(client);
    if (admission.kind === 'refuse') {
      log.warn({ client: name, remote: req.socket.remoteAddress, status: admission.status }, 'session refused');
      refuse(admission.status, -32000, admission.message, admission.status === 429 ? { 'retry-after': '1' } : {});
      return;
    }
    if (admission.kind === 'evict') {
      log.warn(
        {
          client: name,
          closed: admission.victim.id,
          why: admission.why,
          idleMs: Date.now() - admission.victim.lastSeen,
        },
        'closed an idle session to make room',
      );
      await closeSession(admission.victim.id);
    }
    sessions.opens(client);
    const mcp = createMcpServer(runtime, catalog, {
      maxConcurrentCalls: options.maxConcurrentCallsPerSession,
      maxSubscriptions: options.maxSubscriptionsPerSession,
    });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => {
        const session = { id, transport, mcp, client, lastSeen: Date.now(), active: 0 };
        sessions.add(session);
        holdSession(session, res);
      },
      onsessionclosed: (id) => void closeSession(id),
    });
    if (!releaseAnsweredResponses(transport) && patched) {
      patched = false;
      log.warn('the MCP SDK transport changed shape: answered responses may be kept for the life of a session');
    }
    transport.onclose = () => {
      if (transport.sessionId) sessions.remove(transport.sessionId);
    };
    try {
      await mcp.server.connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      sessions.opened(client);
      // An initialize the transport refused (bad Accept header, invalid message…) leaves a
      // server that no session holds: close it rather than leave it to the garbage collector.
      if (!transport.sessionId || !sessions.get(transport.sessionId)) {
        await transport.close().catch(() => undefined);
        await mcp.close().catch(() => undefined);
      }
    }
  };

  /** What the guard learned about a request that passed it. */
  interface Admitted {
    sessionId: string | string[] | undefined;
    known: HttpSession | undefined;
    rateKey: string;
  }

  /** The Host/Origin/token guard, then the rate limit: null when the request was refused. */
  const admit = (req: IncomingMessage, refuse: Refuse): Admitted | null => {
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
      return null;
    }
    const sessionId = req.headers['mcp-session-id'];
    const known = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    // The client is its MCP session when it has one (every local client shares 127.0.0.1, and
    // clients behind a proxy share its address), else its address: initialize, health checks
    // and unknown session ids all count against the address, so new sessions cannot be minted
    // faster than the budget, and a made-up session id buys nothing.
    const rateKey = known ? `session:${sessionId as string}` : `address:${req.socket.remoteAddress ?? 'unknown'}`;
    const wait = limiter.take(rateKey);
    if (wait > 0) {
      refuse(429, -32000, 'rate limit exceeded', { 'retry-after': String(wait) });
      return null;
    }
    return { sessionId, known, rateKey };
  };

  const health = (req: IncomingMessage, res: ServerResponse): void => {
    connections.busy(req.socket);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: closing ? 'stopping' : 'ok',
        sessions: sessions.size,
        connections: connections.open,
        connectionsShed: connections.shed,
      }),
    );
  };

  /** The body of a POST as JSON-RPC, within the size, time and memory limits; undefined when it was refused. */
  const readMessages = async (req: IncomingMessage, refuse: Refuse): Promise<unknown> => {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      refuse(415, -32000, 'Content-Type must be application/json');
      return undefined;
    }
    let text: string;
    try {
      text = await readBody(req, { maxBytes: options.maxBodyBytes, timeoutMs: options.bodyTimeoutMs, inFlight });
    } catch (error) {
      if (!(error instanceof BodyRefused)) throw error;
      if (error.reason === 'too_large') refuse(413, -32000, error.message);
      else if (error.reason === 'timeout') refuse(408, -32000, error.message, {}, true);
      else if (error.reason === 'uploads_full') refuse(503, -32000, error.message, { 'retry-after': '1' }, true);
      return undefined;
    }
    connections.busy(req.socket);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      refuse(400, -32700, 'Parse error: body is not valid JSON');
      return undefined;
    }
    if (Array.isArray(body) && body.length === 0) {
      refuse(400, -32600, 'Invalid Request: empty batch');
      return undefined;
    }
    return body;
  };

  /** A POST: messages for a known session, or an initialize that opens one. */
  const post = async (req: IncomingMessage, res: ServerResponse, admitted: Admitted, refuse: Refuse): Promise<void> => {
    const { sessionId, known, rateKey } = admitted;
    const body = await readMessages(req, refuse);
    if (body === undefined) return;
    // Every message of a batch is a request against the budget, not just the first.
    const extra = messagesOf(body).length - 1;
    const batchWait = extra > 0 ? limiter.take(rateKey, extra) : 0;
    if (batchWait > 0) {
      refuse(429, -32000, `rate limit exceeded: a batch counts each of its ${extra + 1} messages`, {
        'retry-after': String(batchWait),
      });
      return;
    }
    if (known) {
      holdSession(known, res);
      await known.transport.handleRequest(req, res, body);
      return;
    }
    if (typeof sessionId === 'string') {
      refuse(404, -32001, 'Session not found: initialize a new session');
      return;
    }
    if (!messagesOf(body).some((m) => isInitializeRequest(m))) {
      refuse(400, -32000, 'Bad Request: no valid session id; send initialize first');
      return;
    }
    await openSession(req, res, body, refuse);
  };

  /** A GET (the server's event stream) or DELETE (end the session): only for a known session. */
  const streamOrEnd = async (req: IncomingMessage, res: ServerResponse, admitted: Admitted, refuse: Refuse) => {
    const { sessionId, known } = admitted;
    connections.busy(req.socket);
    if (!known) {
      refuse(
        typeof sessionId === 'string' ? 404 : 400,
        -32000,
        typeof sessionId === 'string' ? 'Session not found' : 'Bad Request: mcp-session-id header required',
      );
      return;
    }
    holdSession(known, res);
    await known.transport.handleRequest(req, res);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    const refuse: Refuse = (status, code, message, headers, close = false) =>
      reply(req, res, options.maxBodyBytes, status, code, message, headers, close);
    const mount = path ? options.mounts?.get(path) : undefined;
    if (mount) {
      posts++;
      try {
        await mount(req, res);
      } finally {
        posts--;
      }
      return;
    }
    const admitted = admit(req, refuse);
    if (!admitted) return;
    if (path === '/healthz' && req.method === 'GET') return health(req, res);
    if (path !== '/mcp') return refuse(404, -32000, `not found: the MCP endpoint is /mcp`);
    if (closing) return refuse(503, -32000, 'server is shutting down', { connection: 'close' });
    if (req.method === 'POST') {
      posts++;
      try {
        await post(req, res, admitted, refuse);
      } finally {
        posts--;
      }
      return;
    }
    if (req.method === 'GET' || req.method === 'DELETE') return streamOrEnd(req, res, admitted, refuse);
    refuse(405, -32000, 'Method not allowed', { allow: 'GET, POST, DELETE' });
  };

  // Node checks the header and request deadlines on this interval: its default (30 s) would let
  // a stalled request live well past them.
  const server: NodeHttpServer = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    connections.receiving(req.socket);
    res.once('finish', () => connections.waiting(req.socket));
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'request failed');
      reply(req, res, options.maxBodyBytes, 500, -32603, 'Internal error');
    });
  });
  connections.attach(server);
  server.headersTimeout = options.headersTimeoutMs;
  // A backstop behind readBody's own deadline (which answers 408 as JSON-RPC first).
  server.requestTimeout = options.headersTimeoutMs + options.bodyTimeoutMs + 5_000;
  server.keepAliveTimeout = 5_000;
  server.on('error', (error) => log.error({ err: error }, 'http server error'));

  const sweeper = setInterval(
    () => {
      const cutoff = Date.now() - options.sessionIdleMs;
      for (const s of [...sessions.values()]) if (s.lastSeen < cutoff && s.active === 0) void closeSession(s.id);
    },
    Math.min(60_000, options.sessionIdleMs),
  );
  sweeper.unref();

  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => reject(listenError(error, options.host, options.port));
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
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
      await Promise.all(sessions.ids().map(closeSession));
      server.closeAllConnections();
      await stopped;
      await runtime.close();
    },
  };
}
