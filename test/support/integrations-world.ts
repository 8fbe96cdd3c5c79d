import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServices } from '../../src/config/services.js';
import { packageRoot } from '../../src/config/package-root.js';
import { createLogger, type Logger, silentLogger } from '../../src/core/logger.js';
import { type Integrations, type IntegrationsHost, openIntegrations } from '../../src/integrations/open.js';
import { type RunningWebhookServer, serveWebhooks } from '../../src/integrations/server.js';
import type { ToolResult } from '../../src/registry/types.js';
import { createWorld, type World } from '../../src/runtime/world.js';
import { loadFramework } from '../../src/severity/framework.js';
import { DEFAULT_SETTINGS } from '../../src/soul/schema.js';
import { TemplateLibrary } from '../../src/templates/library.js';
import { createRegistry } from '../../tools/index.js';
import { FakeClock } from './fake-clock.js';
import { FakePagerDuty } from './fake-pagerduty.js';
import { FakeStatuspage } from './fake-statuspage.js';

export const SERVICES_YAML = `services:
  payment-api:
    display_name: Checkout
    status_page_component: Checkout
    pagerduty_service: PIJ90N7
    customer_facing: true
    revenue_path: true
  search:
    display_name: Search
    status_page_component: Search
    pagerduty_service: PSEARCH1
    customer_facing: true
`;

export const SECRET = 'whsec-current-0123456789abcdef';
export const OLD_SECRET = 'whsec-previous-fedcba9876543210';
export const ROUTING_KEY = 'R0UTINGKEY000000000000000000IC01';
export const PD_TOKEN = 'pd-api-token-u+abcdefghijkl';
export const SP_TOKEN = 'sp-oauth-token-0123456789abcdef';
export const PAGE_ID = 'kctbh9vrtdwd';

export interface IntegrationsWorld {
  clock: FakeClock;
  world: World;
  host: IntegrationsHost;
  integrations: Integrations;
  pd: FakePagerDuty;
  sp: FakeStatuspage;
  server: RunningWebhookServer;
  /** Calls a tool as a model or MCP client would (through the registry). */
  tool(name: string, args: unknown, actor?: string): Promise<ToolResult>;
  ok<T = Record<string, unknown>>(name: string, args: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface WorldOptions {
  env?: NodeJS.ProcessEnv;
  dryRun?: boolean;
  /** A SQLite file instead of memory (to reopen it as another process would). */
  db?: string;
  start?: string;
  /** Leave out the default environment (PagerDuty and Statuspage configured). */
  bare?: boolean;
  /** An integrations.yaml to write and use. */
  file?: string;
  logger?: Logger;
  /** 'system': the clock reads real time (for waits that run in real time, such as an approval's retries). */
  clock?: 'fake' | 'system';
}

/** The fake clock's shape, reading real time. */
class LiveClock extends FakeClock {
  override now(): Date {
    return new Date();
  }
}

/** A world with the integrations configured against fakes of PagerDuty and Statuspage on loopback. */
export async function integrationsWorld(options: WorldOptions = {}): Promise<IntegrationsWorld> {
  const root = packageRoot();
  const clock = options.clock === 'system' ? new LiveClock() : new FakeClock(options.start ?? new Date().toISOString());
  const pd = await new FakePagerDuty().start();
  pd.routingKeys.add(ROUTING_KEY);
  pd.token = PD_TOKEN;
  const sp = await new FakeStatuspage(PAGE_ID).start();
  sp.token = SP_TOKEN;
  sp.components.push(
    { id: 'cmpcheckout1', name: 'Checkout', status: 'operational' },
    { id: 'cmpsearch001', name: 'Search', status: 'operational' },
  );
  const dir = mkdtempSync(join(tmpdir(), 'ic-integrations-'));
  const severity = loadFramework(join(root, 'config', 'severity.yaml'));
  const world = createWorld({
    clock,
    settings: DEFAULT_SETTINGS,
    severity,
    templates: TemplateLibrary.load(join(root, 'prompts')),
    logger: silentLogger(),
    services: parseServices(SERVICES_YAML, join(dir, 'services.yaml'), { changeEventsDir: join(dir, 'change-events') }),
    ...(options.db ? { db: options.db } : {}),
  });
  const host: IntegrationsHost = {
    store: world.store,
    messages: world.messages,
    clock,
    logger: options.logger ?? silentLogger(),
    services: world.services,
    severity,
    context: (actor) => world.context(actor),
  };
  const env: NodeJS.ProcessEnv = options.bare
    ? { ...options.env }
    : {
        PAGERDUTY_WEBHOOK_SECRET: SECRET,
        PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
        PAGERDUTY_API_TOKEN: PD_TOKEN,
        PAGERDUTY_FROM: 'oncall-bot@example.com',
        PAGERDUTY_EVENTS_URL: pd.url,
        PAGERDUTY_API_URL: pd.url,
        STATUSPAGE_API_TOKEN: SP_TOKEN,
        STATUSPAGE_PAGE_ID: PAGE_ID,
        STATUSPAGE_API_URL: sp.url,
        ...options.env,
      };
  let file: string | null = null;
  if (options.file !== undefined) {
    file = join(dir, 'integrations.yaml');
    writeFileSync(file, options.file);
  }
  const integrations = openIntegrations(host, { env, file, ...(options.dryRun ? { dryRun: true } : {}) });
  const server = await serveWebhooks(integrations.routes, { host: '127.0.0.1', port: 0 }, silentLogger());
  const registry = createRegistry();
  const tool = (name: string, args: unknown, actor = 'claude-desktop'): Promise<ToolResult> =>
    registry.call(name, args, world.context(actor));
  return {
    clock,
    world,
    host,
    integrations,
    pd,
    sp,
    server,
    tool,
    async ok<T>(name: string, args: unknown): Promise<T> {
      const result = await tool(name, args);
      if (!result.ok) throw new Error(`${name} failed: ${result.text}`);
      return result.output as T;
    },
    async close() {
      await integrations.close();
      await server.close();
      await pd.stop();
      await sp.stop();
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A PagerDuty webhooks v3 body for one incident event, as PagerDuty sends it. */
export function pdEvent(
  type: string,
  incident: Partial<{
    id: string;
    number: number;
    status: string;
    title: string;
    priority: string | null;
    urgency: string;
    service: { id: string; summary: string };
    incident_key: string;
    created_at: string;
    assignees: { summary: string }[];
  }> = {},
  event: Partial<{ id: string; occurred_at: string; agent: string; data: Record<string, unknown> }> = {},
): Record<string, unknown> {
  const id = incident.id ?? 'PT4KHLK';
  const data = event.data ?? {
    id,
    type: 'incident',
    self: `https://api.pagerduty.com/incidents/${id}`,
    html_url: `https://acme.pagerduty.com/incidents/${id}`,
    number: incident.number ?? 1234,
    status: incident.status ?? 'triggered',
    incident_key: incident.incident_key ?? 'baf7cf21b1da41b4b0221008339ff357',
    created_at: incident.created_at ?? event.occurred_at ?? new Date().toISOString(),
    title: incident.title ?? 'Checkout error rate above 5% for 10 minutes',
    service: {
      id: incident.service?.id ?? 'PIJ90N7',
      summary: incident.service?.summary ?? 'Payments Production',
      type: 'service_reference',
      html_url: 'https://acme.pagerduty.com/service-directory/PIJ90N7',
    },
    assignees: (incident.assignees ?? [{ summary: 'Priya Raman' }]).map((a, i) => ({
      ...a,
      id: `PU${i}`,
      type: 'user_reference',
    })),
    escalation_policy: { id: 'PUS0KTE', summary: 'Payments', type: 'escalation_policy_reference' },
    priority:
      incident.priority === null
        ? null
        : { id: 'PSO75BM', summary: incident.priority ?? 'P1', type: 'priority_reference' },
    urgency: incident.urgency ?? 'high',
    conference_bridge: null,
    resolve_reason: null,
  };
  return {
    event: {
      id: event.id ?? `01${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
      event_type: type,
      resource_type: 'incident',
      occurred_at: event.occurred_at ?? new Date().toISOString(),
      agent: { id: 'PLH1HKV', summary: event.agent ?? 'Priya Raman', type: 'user_reference' },
      client: { name: 'PagerDuty' },
      data,
    },
  };
}

export function sign(body: string, ...secrets: string[]): string {
  return secrets.map((s) => `v1=${createHmac('sha256', s).update(body).digest('hex')}`).join(',');
}

export interface PostResult {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

/** POSTs raw bytes to the webhook server, as PagerDuty would. */
export function post(url: string, path: string, body: string, headers: Record<string, string>): Promise<PostResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
            ms: Date.now() - started,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends one signed delivery of a PagerDuty event. */
export function deliver(
  w: Pick<IntegrationsWorld, 'server'>,
  payload: Record<string, unknown>,
  options: { webhookId?: string; secrets?: string[]; raw?: string } = {},
): Promise<PostResult> {
  const body = options.raw ?? JSON.stringify(payload);
  return post(w.server.url, '/webhooks/pagerduty', body, {
    'x-pagerduty-signature': sign(body, ...(options.secrets ?? [SECRET])),
    'x-webhook-id': options.webhookId ?? `wh-${(payload['event'] as { id: string }).id}`,
  });
}

/** A logger whose lines (JSON, scrubbed as in production) a test can read. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void lines.push(line) },
    env: {},
  });
  return { logger, lines };
}
