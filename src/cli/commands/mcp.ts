import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger, logLevelFromEnv, registerSecret } from '../../core/logger.js';
import { ToolCatalog } from '../../mcp/catalog.js';
import { HTTP_DEFAULTS } from '../../mcp/http-defaults.js';
import { isLoopbackHost } from '../../mcp/http-guard.js';
import { openRuntime } from '../../runtime/runtime.js';
import { createRegistry } from '../../../tools/index.js';
import { overridesFrom } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import type { Parsed } from '../spec.js';
import type { MCP } from './specs.js';

type Flags = Parsed<(typeof MCP)['flags']>['flags'];

/** Serves the tools over stdio, or Streamable HTTP with --http, until stdin closes or a signal arrives. */
export async function run({ flags }: Parsed<(typeof MCP)['flags']>, io: CliIO): Promise<number> {
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

  const token = resolveToken(flags, io);
  if (flags.http && !isLoopbackHost(flags.host) && !token) {
    throw new UsageError(
      `--host ${flags.host} exposes the server beyond this machine and needs a bearer token`,
      'Put 16+ random characters (e.g. from `openssl rand -hex 32`) in a file only you can read and pass --token-file PATH, or set INCIDENT_COMMANDER_MCP_TOKEN; or bind to 127.0.0.1.',
    );
  }
  const runtime = openRuntime({
    overrides: overridesFrom(flags),
    env: io.env,
    registry,
    logger: createLogger({ level: logLevelFromEnv(io.env, flags.http ? 'info' : 'warn') }),
  });
  const catalog = new ToolCatalog(registry, { allow, readOnly: flags['read-only'] });
  if (flags.webhooks && !flags.http)
    throw new UsageError('--webhooks needs --http', 'Run: incident-commander mcp --http --webhooks');

  if (!flags.http) {
    const { serveStdio } = await import('../../mcp/stdio.js');
    await serveStdio(runtime, catalog);
    return EXIT.ok;
  }
  const { startHttpServer } = await import('../../mcp/http.js');
  const { defaultMaxConnections } = await import('../../mcp/http-connections.js');
  const integrations = flags.webhooks
    ? (await import('../../integrations/open.js')).openIntegrations(runtime, {
        env: io.env,
        file: runtime.paths.integrations,
      })
    : null;
  const server = await startHttpServer(runtime, catalog, {
    ...(integrations ? { mounts: integrations.routes } : {}),
    ...HTTP_DEFAULTS,
    host: flags.host,
    port: flags.port,
    token,
    allowedHosts: flags['allowed-host'],
    allowedOrigins: flags['allowed-origin'].map((o) => o.toLowerCase().replace(/\/$/, '')),
    maxBodyBytes: flags['max-body'],
    maxConnections: flags['max-connections'] ?? defaultMaxConnections(HTTP_DEFAULTS.maxConnections),
    maxSessions: flags['max-sessions'],
    maxSessionsPerClient:
      flags['max-sessions-per-client'] ??
      Math.max(1, Math.min(HTTP_DEFAULTS.maxSessionsPerClient, flags['max-sessions'])),
    rateLimitPerMinute: flags['rate-limit'],
    rateLimitWindowMs: Math.round(flags['rate-limit-window'] * 1000),
  });
  io.stderr(`incident-commander MCP server listening on ${server.url}${token ? ' (bearer token required)' : ''}\n`);
  if (integrations) {
    integrations.worker.start();
    const base = server.url.replace(/\/mcp$/, '');
    io.stderr(
      `integrations: ${[...integrations.routes.keys()].map((r) => base + r).join(', ') || 'no webhook endpoint configured'}\n${integrations
        .describe()
        .map((l) => `  ${l}\n`)
        .join('')}`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => void (integrations?.close() ?? Promise.resolve()).then(() => server.close()).then(resolve);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return EXIT.ok;
}

/**
 * The bearer token: --token-file, then --token, then INCIDENT_COMMANDER_MCP_TOKEN. --token
 * works, but every user of the machine can read it in the process list: it is warned about and
 * blanked from this process's command line as soon as it is read.
 */
function resolveToken(flags: Flags, io: CliIO): string | null {
  if (flags.token) {
    io.stderr(
      'warning: --token is visible to every user of this machine in the process list; use --token-file PATH or INCIDENT_COMMANDER_MCP_TOKEN instead\n',
    );
    hideFromProcessList(flags.token);
  }
  const token =
    (flags['token-file'] ? readTokenFile(resolve(io.cwd, flags['token-file']), io) : null) ??
    flags.token ??
    (io.env['INCIDENT_COMMANDER_MCP_TOKEN'] || null);
  registerSecret(token);
  if (token !== null && token.length < 16)
    throw new UsageError(
      'the MCP token must be at least 16 characters',
      'Use a long random token, e.g. `openssl rand -hex 32`.',
    );
  return token;
}

function readTokenFile(path: string, io: CliIO): string {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    const token = readFileSync(path, 'utf8').trim();
    if ((stat.mode & 0o077) !== 0)
      io.stderr(`warning: --token-file ${path} can be read by other users; run chmod 600 ${path}\n`);
    return token;
  } catch (error) {
    throw new UsageError(
      `--token-file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'Write the token (16+ random characters) to that file: openssl rand -hex 32 > PATH && chmod 600 PATH',
    );
  }
}

/** Rewrites this process's command line (what ps and /proc/PID/cmdline show) without the secret. */
function hideFromProcessList(secret: string): void {
  if (!process.argv.some((a) => a.includes(secret))) return;
  process.title = process.argv
    .slice(1)
    .map((a) => (a.includes(secret) ? '[redacted]' : a))
    .join(' ');
}
