import type { Logger } from '../core/logger.js';
import { scrubSecrets } from '../core/logger.js';
import type { Secret } from './secrets.js';

/** One call to another system's API, as it will be sent. */
export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  /** JSON. */
  body?: unknown;
  /** The secrets inside the headers or body: shown as [secret] wherever the request is logged. */
  secrets: readonly Secret[];
  /** What it is for, in words ("page for INC-1"), for logs. */
  purpose: string;
  /** Calls made with one token are spaced at least this far apart (Statuspage allows one a second). */
  spacing?: { key: string; intervalMs: number };
}

export type Outcome =
  | { kind: 'ok'; status: number; body: unknown }
  /** Worth trying again: 429, 5xx, 408, a timeout or no connection; `retryAfterMs` from Retry-After. */
  | { kind: 'retry'; status: number | null; retryAfterMs: number | null; problem: string }
  /** The other side refused it (a 4xx other than 408 and 429): sending it again would not help. */
  | { kind: 'refused'; status: number; problem: string }
  /** Dry run: logged, not sent. */
  | { kind: 'dry_run' };

export interface Transport {
  send(request: OutboundRequest): Promise<Outcome>;
}

/**
 * Keeps calls sharing a key (one API token) at least an interval apart, in this process: a call
 * starts no sooner than an interval after the previous one started and after it was answered,
 * so they arrive apart however long the network takes.
 */
export class RequestSpacing {
  private readonly next = new Map<string, number>();
  private readonly chain = new Map<string, Promise<void>>();
  constructor(private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))) {}

  async around<T>(key: string, intervalMs: number, call: () => Promise<T>): Promise<T> {
    const previous = this.chain.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.chain.set(key, mine);
    await previous;
    try {
      const wait = (this.next.get(key) ?? 0) - Date.now();
      if (wait > 0) await this.sleep(wait);
      this.next.set(key, Date.now() + intervalMs);
      return await call();
    } finally {
      this.next.set(key, Math.max(this.next.get(key) ?? 0, Date.now() + intervalMs));
      if (this.chain.get(key) === mine) this.chain.delete(key);
      release();
    }
  }
}

/** A request as it may be logged: every secret in it shown as [secret]. */
export function showRequest(request: OutboundRequest): Record<string, unknown> {
  const hide = (text: string): string => {
    let out = text;
    for (const s of request.secrets) out = out.split(s.reveal()).join('[secret]');
    return scrubSecrets(out);
  };
  return {
    method: request.method,
    url: hide(request.url),
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, hide(v)])),
    ...(request.body === undefined ? {} : { body: JSON.parse(hide(JSON.stringify(request.body))) as unknown }),
  };
}

/** Retry-After as seconds or an HTTP date, in ms (at most an hour); null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header.trim());
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 3_600_000) : null;
}

/**
 * How long before attempt `attempt + 1`: what the server asked for, else exponential from 1 s
 * (doubling, at most 5 minutes) with ±20% jitter so that many senders do not retry in step.
 */
export function backoffMs(attempt: number, asked: number | null, random: () => number = Math.random): number {
  if (asked !== null) return asked;
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface TransportOptions {
  logger: Logger;
  dryRun: boolean;
  timeoutMs?: number;
  fetch?: typeof fetch;
  spacing?: RequestSpacing;
}

/** What went wrong, in a line that holds no secret and no more than 300 characters of the reply. */
function problemOf(status: number | null, text: string, request: OutboundRequest): string {
  const shown = showRequest({ ...request, body: undefined, headers: {} });
  const reply = scrubSecrets(text.replace(/\s+/g, ' ').trim()).slice(0, 300);
  return `${request.method} ${String(shown['url'])}: ${status === null ? 'no answer' : `HTTP ${status}`}${reply ? ` — ${reply}` : ''}`;
}

/**
 * Sends requests with fetch: JSON in and out, a deadline per call, spacing per token, and
 * the outcome classified (never thrown) so the queue decides what to do. In a dry run every
 * request is logged in full (secrets shown as [secret]) and nothing leaves the process.
 */
export function httpTransport(options: TransportOptions): Transport {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const spacing = options.spacing ?? new RequestSpacing();
  const log = options.logger.child({ component: 'integrations-http' });
  return {
    async send(request) {
      if (options.dryRun) {
        log.info(
          { dryRun: true, purpose: request.purpose, request: showRequest(request) },
          `dry run: would ${request.method} ${showRequest(request)['url']}`,
        );
        return { kind: 'dry_run' };
      }
      if (request.spacing) {
        const { key, intervalMs } = request.spacing;
        return spacing.around(key, intervalMs, () => send(request));
      }
      return send(request);
    },
  };

  async function send(request: OutboundRequest): Promise<Outcome> {
    const started = Date.now();
    let response: Response;
    try {
      response = await doFetch(request.url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const why =
        (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message;
      log.warn({ purpose: request.purpose, ms: Date.now() - started }, `request failed: ${scrubSecrets(why)}`);
      return { kind: 'retry', status: null, retryAfterMs: null, problem: problemOf(null, why, request) };
    }
    const text = await response.text().catch(() => '');
    log.debug({ purpose: request.purpose, status: response.status, ms: Date.now() - started }, 'request answered');
    if (response.ok) {
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      return { kind: 'ok', status: response.status, body };
    }
    const problem = problemOf(response.status, text, request);
    if (response.status === 429 || response.status === 408 || response.status >= 500)
      return {
        kind: 'retry',
        status: response.status,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        problem,
      };
    return { kind: 'refused', status: response.status, problem };
  }
}
