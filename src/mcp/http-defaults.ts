/** Defaults of the HTTP transport, apart from http.ts so stdio mode never loads the HTTP stack. */
export const HTTP_DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  maxBodyBytes: 1024 * 1024,
  maxSessions: 500,
  sessionIdleMs: 30 * 60_000,
  drainMs: 10_000,
  rateLimitPerMinute: 0,
  rateLimitWindowMs: 60_000,
} as const;
