import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../core/logger.js';
import type { IncidentStore } from '../store/types.js';

/** Slack signs each request with a timestamp; older (or further ahead) than this is refused. */
export const REPLAY_WINDOW_SECONDS = 5 * 60;
/** Slack's payloads are small; a body larger than this is not from Slack. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Slack waits 3 seconds for an answer; a listener that has not acknowledged by then is answered for. */
const ACK_DEADLINE_MS = 2500;
const BODY_TIMEOUT_MS = 10_000;
export const EVENTS_PATH = '/slack/events';

export interface SignedReceiverOptions {
  signingSecret: string;
  host: string;
  port: number;
  /** Where replayed signatures are remembered, so a copy sent again within the window is refused on every instance. */
  store: IncidentStore;
  logger: Logger;
  now?: () => number;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks Slack's v0 signature: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing
 * secret, compared in constant time, and the timestamp within five minutes of now either way.
 */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds: number,
): Verdict {
  const { timestamp, signature } = headers;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'missing or malformed X-Slack-Request-Timestamp' };
  if (Math.abs(nowSeconds - Number(timestamp)) > REPLAY_WINDOW_SECONDS)
    return { ok: false, reason: 'stale X-Slack-Request-Timestamp (more than 5 minutes from now)' };
  if (!signature || !/^v0=[0-9a-f]{64}$/.test(signature))
    return { ok: false, reason: 'missing or malformed X-Slack-Signature' };
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish(null), BODY_TIMEOUT_MS);
    const finish = (value: string | null): void => {
      clearTimeout(timer);
      req.removeAllListeners('data');
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) finish(null);
      else chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => finish(null));
  });
}

/** The body as Bolt reads it: JSON events, form-encoded slash commands, and `payload=` interactivity. */
export function parseBody(contentType: string, raw: string): Record<string, unknown> | null {
  try {
    if (contentType.includes('application/json')) {
      const value: unknown = JSON.parse(raw);
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    }
    if (contentType.includes('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(raw);
      const payload = form.get('payload');
      if (payload !== null) {
        const value: unknown = JSON.parse(payload);
        return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
      }
      return Object.fromEntries(form.entries());
    }
  } catch {
    return null;
  }
  return null;
}

/**
 * Serves the Events API for Bolt: every request's signature is verified before anything is read
 * from it (401 otherwise: a failed signature, a stale timestamp, a signature seen before), the
 * body is bounded, and the answer goes back as soon as a listener acknowledges (within 3 s).
 * Binds loopback unless told otherwise; the signature is what authenticates Slack.
 */
export class SignedHttpReceiver implements Receiver {
  private app: App | null = null;
  private server: Server | null = null;

  constructor(private readonly options: SignedReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<{ url: string }> {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'Slack request failed');
        if (!res.headersSent) reply(res, 500, 'internal error');
      });
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 15_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { url: `http://${host}:${address.port}${EVENTS_PATH}` };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== EVENTS_PATH) return reply(res, 404, 'not found');
    if (req.method !== 'POST') return reply(res, 405, 'POST only');
    const raw = await readBody(req);
    if (raw === null) return reply(res, 413, 'body too large or too slow');
    const now = this.options.now?.() ?? Date.now();
    const timestamp = header(req, 'x-slack-request-timestamp');
    const signature = header(req, 'x-slack-signature');
    const verdict = verifySignature(this.options.signingSecret, { timestamp, signature }, raw, Math.floor(now / 1000));
    if (!verdict.ok) {
      this.options.logger.warn({ reason: verdict.reason }, 'refused a Slack request');
      return reply(res, 401, 'invalid signature');
    }
    // A valid signature seen before is a replay: the same bytes sent again.
    if (!(await this.options.store.claim('slack-request', signature!, new Date(now).toISOString()))) {
      this.options.logger.warn({ reason: 'replayed signature' }, 'refused a Slack request');
      return reply(res, 401, 'replayed request');
    }
    const body = parseBody(header(req, 'content-type') ?? '', raw);
    if (!body) return reply(res, 400, 'unreadable body');
    if (body['type'] === 'url_verification' && typeof body['challenge'] === 'string')
      return json(res, { challenge: body['challenge'] });
    if (body['ssl_check']) return reply(res, 200, '');
    if (!this.app) return reply(res, 503, 'not ready');

    let answered = false;
    const answer = (status: number, payload?: unknown): void => {
      if (answered) return;
      answered = true;
      if (payload === undefined || payload === null || payload === '') reply(res, status, '');
      else if (typeof payload === 'string') reply(res, status, payload);
      else json(res, payload);
    };
    const timer = setTimeout(() => answer(200), ACK_DEADLINE_MS);
    const retry = header(req, 'x-slack-retry-num');
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        clearTimeout(timer);
        answer(200, response);
      },
      ...(retry && /^\d+$/.test(retry) ? { retryNum: Number(retry) } : {}),
      ...(header(req, 'x-slack-retry-reason') ? { retryReason: header(req, 'x-slack-retry-reason')! } : {}),
    };
    try {
      await this.app.processEvent(event);
    } finally {
      clearTimeout(timer);
      answer(200);
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}

function json(res: ServerResponse, payload: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}
