import { timingSafeEqual, createHash } from 'node:crypto';
import { isIP } from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** "localhost:8787" → "localhost"; "[::1]:8787" → "[::1]". */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon > 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

export interface GuardOptions {
  /** Required bearer token; null means none (only allowed on loopback). */
  token: string | null;
  /** Extra Host names accepted besides the loopback names. */
  allowedHosts: readonly string[];
  /** Extra Origins accepted besides loopback origins. */
  allowedOrigins: readonly string[];
}

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; message: string; headers?: Record<string, string> };

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = createHash('sha256').update(m[1]!.trim()).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/**
 * DNS-rebinding and auth checks, before anything reaches MCP:
 * - Origin, when present, must be a loopback origin or explicitly allowed;
 * - without a token, Host must be a loopback name (or explicitly allowed);
 * - with a token, the bearer token must match (constant time).
 */
export function checkRequest(headers: { host?: string | undefined; origin?: string | undefined; authorization?: string | undefined }, options: GuardOptions): GuardVerdict {
  const host = headers.host ? hostnameOf(headers.host) : '';
  const hostAllowed = isLoopbackHost(host) || options.allowedHosts.some((h) => h.toLowerCase() === host);
  if (!options.token && !hostAllowed) return { ok: false, status: 403, message: `Host "${headers.host ?? ''}" is not allowed` };
  if (options.token && options.allowedHosts.length && !hostAllowed) return { ok: false, status: 403, message: `Host "${headers.host ?? ''}" is not allowed` };
  if (headers.origin !== undefined) {
    let originHost = '';
    try {
      originHost = new URL(headers.origin).hostname.toLowerCase();
    } catch {
      return { ok: false, status: 403, message: 'malformed Origin' };
    }
    const bracketed = originHost.includes(':') && !originHost.startsWith('[') ? `[${originHost}]` : originHost;
    const allowed = isLoopbackHost(bracketed) || options.allowedOrigins.includes(headers.origin.toLowerCase().replace(/\/$/, ''));
    if (!allowed) return { ok: false, status: 403, message: `Origin "${headers.origin}" is not allowed` };
  }
  if (options.token && !tokenMatches(headers.authorization, options.token)) {
    return { ok: false, status: 401, message: 'missing or wrong bearer token', headers: { 'WWW-Authenticate': 'Bearer realm="incident-commander"' } };
  }
  return { ok: true };
}
