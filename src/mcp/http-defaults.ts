/** Defaults of the HTTP transport, apart from http.ts so stdio mode never loads the HTTP stack. */
export const HTTP_DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  maxBodyBytes: 1024 * 1024,
  /** Request headers must be in within this; Node checks every second (see http.ts). */
  headersTimeoutMs: 10_000,
  /** A request body must be in within this, counted from its headers. */
  bodyTimeoutMs: 10_000,
  maxConnections: 1024,
  maxConnectionsPerAddress: 256,
  /** Bytes of request bodies held at once across all uploads. */
  maxBytesInFlight: 64 * 1024 * 1024,
  maxSessions: 500,
  maxSessionsPerClient: 50,
  /** A full server may close a session idle this long to make room for a new client. */
  sessionEvictIdleMs: 60_000,
  sessionIdleMs: 30 * 60_000,
  drainMs: 10_000,
  rateLimitPerMinute: 0,
  rateLimitWindowMs: 60_000,
  maxConcurrentCallsPerSession: 4,
  maxSubscriptionsPerSession: 100,
} as const;
