import type { ServiceCatalog } from '../config/services.js';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/time.js';
import type { IncidentContext } from '../incident/context.js';
import { BytesInFlight } from '../mcp/http-body.js';
import type { SeverityFramework } from '../severity/framework.js';
import type { MessageStore } from '../store/messages.js';
import type { IncidentStore } from '../store/types.js';
import { ApprovalDesk } from './approvals.js';
import { describeSettings, type IntegrationsSettings, loadIntegrations } from './config.js';
import { httpTransport, type Transport } from './http.js';
import type { EndpointLimits, WebhookHandler } from './inbound/endpoint.js';
import { opsgenieInbox, opsgenieReceiver } from './opsgenie/receive.js';
import { ChangeEventPuller } from './pagerduty/change-events.js';
import { pagerdutyInbox } from './pagerduty/inbox.js';
import { eventsHandler, planPagerDuty, requestsFor, restHandler } from './pagerduty/outbound.js';
import { pagerdutyReceiver } from './pagerduty/receive.js';
import { QUEUES, type QueueHandler } from './queue.js';
import { planStatuspage } from './statuspage/plan.js';
import { StatuspageApi, statuspageHandler, statuspageIncidentOf } from './statuspage/publish.js';
import { type DryRunner, IntegrationsWorker, type Planner } from './worker.js';

/** What the integrations need of the runtime (a Runtime has all of it). */
export interface IntegrationsHost {
  store: IncidentStore;
  messages: MessageStore;
  clock: Clock;
  logger: Logger;
  services: ServiceCatalog;
  severity: SeverityFramework;
  context(actor: string): IncidentContext;
}

export interface OpenOptions {
  env: NodeJS.ProcessEnv;
  /** The integrations file (Paths.integrations); null: the environment alone. */
  file: string | null;
  dryRun?: boolean;
  /** Replaces fetch (tests use real HTTP to local fakes instead). */
  transport?: Transport;
  limits?: Partial<Omit<EndpointLimits, 'inFlight'>>;
}

/** PagerDuty drops webhooks larger than 256 kB. */
export const WEBHOOK_MAX_BODY = 512 * 1024;

/** The integrations of one process: its webhook routes, its worker, its approval desk. Each part is off unless configured. */
export interface Integrations {
  settings: IntegrationsSettings;
  /** True when anything at all is configured. */
  enabled: boolean;
  /** POST routes by path: /webhooks/pagerduty, /webhooks/opsgenie (only those configured). */
  routes: ReadonlyMap<string, WebhookHandler>;
  worker: IntegrationsWorker;
  approvals: ApprovalDesk;
  describe(): string[];
  close(): Promise<void>;
}

const ACTOR = 'incident-commander';

/**
 * The composition of the integrations layer: reads the settings (file and environment), builds
 * the transport (dry run or real), the webhook receivers, the queue handlers and the planners,
 * and the approval desk. Nothing runs until the caller mounts the routes or starts the worker.
 */
export function openIntegrations(host: IntegrationsHost, options: OpenOptions): Integrations {
  const settings = loadIntegrations(options.file, {
    env: options.env,
    framework: host.severity,
    services: host.services,
    ...(options.dryRun ? { dryRun: true } : {}),
  });
  const logger = host.logger.child({ component: 'integrations' });
  const transport = options.transport ?? httpTransport({ logger, dryRun: settings.dryRun });
  const context = host.context(ACTOR);
  const limits: EndpointLimits = {
    maxBodyBytes: options.limits?.maxBodyBytes ?? WEBHOOK_MAX_BODY,
    bodyTimeoutMs: options.limits?.bodyTimeoutMs ?? 10_000,
    inFlight: new BytesInFlight(64 * 1024 * 1024),
  };
  const pd = settings.pagerduty;
  const handlers: QueueHandler[] = [];
  const planners: Planner[] = [];
  const routes = new Map<string, WebhookHandler>();
  let worker: IntegrationsWorker | null = null;
  const nudge = (): void => worker?.nudge();

  if (pd.webhooks) {
    routes.set(
      '/webhooks/pagerduty',
      pagerdutyReceiver({
        settings: pd.webhooks,
        messages: host.messages,
        clock: host.clock,
        logger,
        limits,
        onStored: nudge,
      }),
    );
    handlers.push(
      pagerdutyInbox({ settings: pd.webhooks, context: host.context('pagerduty'), services: host.services }),
    );
  }
  if (settings.opsgenie) {
    routes.set(
      '/webhooks/opsgenie',
      opsgenieReceiver({
        tokens: settings.opsgenie.tokens,
        messages: host.messages,
        clock: host.clock,
        logger,
        limits,
        onStored: nudge,
      }),
    );
    handlers.push(
      opsgenieInbox({
        priorities: settings.opsgenie.priorities,
        context: host.context('opsgenie'),
        services: host.services,
      }),
    );
  }
  const outbound = {
    settings: pd,
    framework: host.severity,
    messages: host.messages,
    clock: host.clock,
    logger,
    transport,
    context,
  };
  if (pd.events || pd.rest?.from) {
    planners.push(async (record) => planPagerDuty(outbound, record, await host.store.listRefs(record.incident.id)));
    if (pd.events) handlers.push(eventsHandler(outbound));
    if (pd.rest?.from) handlers.push(restHandler(outbound));
  }
  const api = settings.statuspage ? new StatuspageApi(settings.statuspage, transport) : null;
  const publisher =
    settings.statuspage && api
      ? statuspageHandler({ settings: settings.statuspage, api, context, clock: host.clock })
      : null;
  if (publisher) {
    handlers.push(publisher);
    planners.push((record) => planStatuspage(context, record));
  }
  const dryRun: DryRunner | null = settings.dryRun
    ? async (message, record) => {
        if (message.queue === QUEUES.statuspage && api && settings.statuspage) {
          const draft = record.drafts.find((d) => d.id === (message.payload as { draftId: string }).draftId);
          if (draft)
            await api.send(
              api.draftRequest(
                draft,
                settings.statuspage.components,
                await statuspageIncidentOf(context, draft.incidentId),
              ),
            );
          return;
        }
        for (const request of requestsFor(outbound, message, record, host.clock.now().toISOString()))
          await transport.send(request);
      }
    : null;
  const puller =
    pd.rest && pd.rest.changeEventsMs > 0 && [...host.services.services.values()].some((s) => s.pagerduty_service)
      ? new ChangeEventPuller({ settings: pd.rest, services: host.services, transport, clock: host.clock, logger })
      : null;
  worker = new IntegrationsWorker({
    store: host.store,
    messages: host.messages,
    clock: host.clock,
    logger,
    context,
    handlers,
    planners,
    dryRun,
    periodic: puller ? { everyMs: pd.rest!.changeEventsMs, run: () => puller.pullAll() } : null,
  });
  const approvals = new ApprovalDesk({
    context: (actor) => host.context(actor),
    messages: host.messages,
    clock: host.clock,
    logger,
    settings: settings.statuspage,
    api,
    handler: publisher,
    dryRun: settings.dryRun,
  });
  const enabled = routes.size > 0 || handlers.length > 0 || planners.length > 0;
  return {
    settings,
    enabled,
    routes,
    worker,
    approvals,
    describe: () => describeSettings(settings),
    close: () => worker!.stop(),
  };
}
