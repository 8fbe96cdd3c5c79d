import { z } from 'zod';
import { createLogger, logLevelFromEnv, registerSecret } from '../../core/logger.js';
import { ToolCatalog } from '../../mcp/catalog.js';
import { HTTP_DEFAULTS } from '../../mcp/http-defaults.js';
import { isLoopbackHost } from '../../mcp/http-guard.js';
import { openRuntime } from '../../runtime/runtime.js';
import { createRegistry } from '../../../tools/index.js';
import { overridesFrom, parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';

export const USAGE =
  'incident-commander mcp [--http [--host 127.0.0.1] [--port 8787] [--token TOKEN] [--allowed-host NAME]... [--allowed-origin URL]... [--max-body BYTES] [--max-sessions N] [--rate-limit N [--rate-limit-window SECONDS]]] [--read-only] [--tools a,b,...]';

const Flags = z.object({
  http: z.boolean().optional(),
  host: z.string().min(1).default(HTTP_DEFAULTS.host),
  port: z.coerce.number().int().min(0).max(65_535).default(HTTP_DEFAULTS.port),
  token: z.string().min(16, 'must be at least 16 characters').optional(),
  'allowed-host': z.array(z.string().min(1)).default([]),
  'allowed-origin': z.array(z.string().url('must be an origin such as https://app.example.com')).default([]),
  'max-body': z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(HTTP_DEFAULTS.maxBodyBytes),
  'max-sessions': z.coerce.number().int().min(1).max(100_000).default(HTTP_DEFAULTS.maxSessions),
  'rate-limit': z.coerce.number().int().min(0).default(HTTP_DEFAULTS.rateLimitPerMinute),
  'rate-limit-window': z.coerce
    .number()
    .positive()
    .max(3600)
    .default(HTTP_DEFAULTS.rateLimitWindowMs / 1000),
  'read-only': z.boolean().optional(),
  tools: z.string().optional(),
});

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags } = parseCommandArgs(
    argv,
    {
      http: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'allowed-origin': { type: 'string', multiple: true },
      'max-body': { type: 'string' },
      'max-sessions': { type: 'string' },
      'rate-limit': { type: 'string' },
      'rate-limit-window': { type: 'string' },
      'read-only': { type: 'boolean' },
      tools: { type: 'string' },
    },
    Flags,
    USAGE,
  );
  const registry = createRegistry();
  const allow = flags.tools
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = allow?.filter((t) => !registry.get(t)) ?? [];
  if (unknown.length)
    throw new UsageError(
      `--tools: unknown tool(s) ${unknown.join(', ')}`,
      `Valid tools: ${registry.names().join(', ')}`,
    );

  const token = flags.token ?? io.env['INCIDENT_COMMANDER_MCP_TOKEN'] ?? null;
  if (flags.http && !isLoopbackHost(flags.host) && !token) {
    throw new UsageError(
      `--host ${flags.host} exposes the server beyond this machine and needs a bearer token`,
      'Set INCIDENT_COMMANDER_MCP_TOKEN (16+ random characters, e.g. from `openssl rand -hex 32`) or pass --token, or bind to 127.0.0.1.',
    );
  }
  registerSecret(token);
  if (token !== null && token.length < 16)
    throw new UsageError(
      'the MCP token must be at least 16 characters',
      'Use a long random token, e.g. `openssl rand -hex 32`.',
    );

  const runtime = openRuntime({
    overrides: overridesFrom(flags),
    env: io.env,
    registry,
    logger: createLogger({ level: logLevelFromEnv(io.env, flags.http ? 'info' : 'warn') }),
  });
  const catalog = new ToolCatalog(registry, { allow, readOnly: flags['read-only'] });

  if (!flags.http) {
    const { serveStdio } = await import('../../mcp/stdio.js');
    await serveStdio(runtime, catalog);
    return EXIT.ok;
  }
  const { startHttpServer } = await import('../../mcp/http.js');
  const server = await startHttpServer(runtime, catalog, {
    host: flags.host,
    port: flags.port,
    token,
    allowedHosts: flags['allowed-host'],
    allowedOrigins: flags['allowed-origin'].map((o) => o.toLowerCase().replace(/\/$/, '')),
    maxBodyBytes: flags['max-body'],
    maxSessions: flags['max-sessions'],
    sessionIdleMs: HTTP_DEFAULTS.sessionIdleMs,
    drainMs: HTTP_DEFAULTS.drainMs,
    rateLimitPerMinute: flags['rate-limit'],
    rateLimitWindowMs: Math.round(flags['rate-limit-window'] * 1000),
  });
  io.stderr(`incident-commander MCP server listening on ${server.url}${token ? ' (bearer token required)' : ''}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => void server.close().then(resolve);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return EXIT.ok;
}
