import { timingSafeEqual, createHash } from 'node:crypto';
import { isIP } from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** A Host header: a name or IPv4 address, or a bracketed IPv6 address, then an optional numeric port. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::\d{1,5})?$/;

/**
 * "localhost:8787" → "localhost"; "[::1]:8787" → "[::1]". Anything that is not a well-formed
 * host[:port] (e.g. "localhost:1@evil.com", "localhost:abc", a bare "::1") gives "", which no
 * check accepts: such a header cannot be trusted to name this machine.
 */
export function hostnameOf(hostHeader: string): string {
  return HOST_HEADER.exec(hostHeader.trim().toLowerCase())?.[1] ?? '';
}

export interface GuardOptions {
  /** Required bearer token; null means none (only allowed on loopback). */
  token: string | null;
  /** Extra Host names accepted besides the loopback names. */
  allowedHosts: readonly string[];
  /** Extra Origins accepted besides loopback origins. */
  allowedOrigins: readonly string[];
}

export type GuardVerdict =
  | { ok: true }
  | { ok: false; status: 401 | 403; message: string; headers?: Record<string, string> };

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
export function checkRequest(
  headers: { host?: string | undefined; origin?: string | undefined; authorization?: string | undefined },
  options: GuardOptions,
): GuardVerdict {
  const host = headers.host ? hostnameOf(headers.host) : '';
  const hostAllowed =
    host !== '' && (isLoopbackHost(host) || options.allowedHosts.some((h) => h.toLowerCase() === host));
  if (!options.token && !hostAllowed)
    return { ok: false, status: 403, message: `Host "${headers.host ?? ''}" is not allowed` };
  if (options.token && options.allowedHosts.length && !hostAllowed)
    return { ok: false, status: 403, message: `Host "${headers.host ?? ''}" is not allowed` };
  if (headers.origin !== undefined) {
    let originHost = '';
    try {
      originHost = new URL(headers.origin).hostname.toLowerCase();
    } catch {
      return { ok: false, status: 403, message: 'malformed Origin' };
    }
    const bracketed = originHost.includes(':') && !originHost.startsWith('[') ? `[${originHost}]` : originHost;
    const allowed =
      isLoopbackHost(bracketed) || options.allowedOrigins.includes(headers.origin.toLowerCase().replace(/\/$/, ''));
    if (!allowed) return { ok: false, status: 403, message: `Origin "${headers.origin}" is not allowed` };
  }
  if (options.token && !tokenMatches(headers.authorization, options.token)) {
    return {
      ok: false,
      status: 401,
      message: 'missing or wrong bearer token',
      headers: { 'WWW-Authenticate': 'Bearer realm="incident-commander"' },
    };
  }
  return { ok: true };
}
