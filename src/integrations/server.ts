import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExternalError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { ConnectionGuard } from '../mcp/http-connections.js';
import { HTTP_DEFAULTS } from '../mcp/http-defaults.js';
import { answer, type WebhookHandler } from './inbound/endpoint.js';

export interface ServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

export interface RunningWebhookServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the webhook routes (POST /webhooks/pagerduty, /webhooks/opsgenie) and GET /healthz,
 * with the connection cap and header and body deadlines of the MCP server. Every route
 * authenticates its own deliveries (a signature, a token), so no bearer token guards them.
 */
export async function serveWebhooks(
  routes: ReadonlyMap<string, WebhookHandler>,
  options: ServeOptions,
  logger: Logger,
): Promise<RunningWebhookServer> {
  const log = logger.child({ component: 'integrations-http' });
  const connections = new ConnectionGuard({
    maxConnections: options.maxConnections ?? HTTP_DEFAULTS.maxConnections,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? HTTP_DEFAULTS.maxConnectionsPerAddress,
  });
  let inFlight = 0;
  const server: Server = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    connections.receiving(req.socket);
    res.once('finish', () => connections.waiting(req.socket));
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes.get(path);
    if (path === '/healthz' && req.method === 'GET') {
      connections.busy(req.socket);
      return answer(req, res, 200, { status: 'ok', routes: [...routes.keys()] });
    }
    if (!route)
      return answer(req, res, 404, {
        error: `not found: the webhook endpoints here are ${[...routes.keys()].join(', ') || 'none (nothing is configured)'}`,
      });
    inFlight++;
    route(req, res)
      .catch((error: unknown) => {
        log.error({ err: error }, 'webhook failed');
        answer(req, res, 500, { error: 'internal error: the delivery was not stored; PagerDuty will retry it' });
      })
      .finally(() => inFlight--);
  });
  connections.attach(server);
  server.headersTimeout = options.headersTimeoutMs ?? HTTP_DEFAULTS.headersTimeoutMs;
  server.requestTimeout = server.headersTimeout + (options.bodyTimeoutMs ?? HTTP_DEFAULTS.bodyTimeoutMs) + 5_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ExternalError(
              `cannot listen on ${options.host}:${options.port}: the port is already in use`,
              'Stop the other server, or pass --port with a free port (--port 0 picks one).',
            )
          : error.code === 'EACCES'
            ? new ExternalError(
                `cannot listen on port ${options.port}: permission denied`,
                'Use a port of 1024 or higher.',
              )
            : error,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  log.info({ url, routes: [...routes.keys()] }, 'webhook server ready');
  return {
    url,
    port,
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = Date.now() + 5_000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      server.closeAllConnections();
      await stopped;
    },
  };
}
