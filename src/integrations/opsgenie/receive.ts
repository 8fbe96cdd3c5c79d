import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServiceCatalog } from '../../config/services.js';
import type { Logger } from '../../core/logger.js';
import type { Clock } from '../../core/time.js';
import type { IncidentContext } from '../../incident/context.js';
import type { Severity } from '../../severity/signals.js';
import type { MessageStore } from '../../store/messages.js';
import { applyExternalEvent } from '../inbound/apply.js';
import { answer, type EndpointLimits, readEnvelope, readJsonPost, type WebhookHandler } from '../inbound/endpoint.js';
import { QUEUES, type QueueHandler } from '../queue.js';
import type { Secret } from '../secrets.js';
import { OpsgenieWebhookSchema, opsgenieEventId, readOpsgenieEvent } from './alert.js';

interface OpsgenieInbox {
  eventId: string;
  receivedAt: string;
  body: unknown;
}

function tokenMatches(header: string | undefined, tokens: readonly Secret[]): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const given = createHash('sha256').update(m[1]!).digest();
  let ok = false;
  for (const t of tokens) if (timingSafeEqual(given, createHash('sha256').update(t.reveal()).digest())) ok = true;
  return ok;
}

/**
 * POST /webhooks/opsgenie: Opsgenie signs nothing, so its webhook integration is set to send a
 * bearer token (a custom header), checked in constant time. Stored in the inbox before the 202;
 * a delivery already stored (the same body) gets 200 and is not stored again.
 */
export function opsgenieReceiver(deps: {
  tokens: readonly Secret[];
  messages: MessageStore;
  clock: Clock;
  logger: Logger;
  limits: EndpointLimits;
  onStored?: () => void;
}): WebhookHandler {
  const log = deps.logger.child({ component: 'opsgenie-webhooks' });
  return async (req, res) => {
    const raw = await readJsonPost(req, res, deps.limits);
    if (!raw) return;
    const refuse = (status: number, error: string): void => {
      log.warn({ status, remote: req.socket.remoteAddress }, `delivery refused: ${error}`);
      answer(req, res, status, { error });
    };
    if (!tokenMatches(req.headers.authorization, deps.tokens))
      return refuse(401, 'missing or wrong bearer token (OPSGENIE_WEBHOOK_TOKEN)');
    const read = readEnvelope(raw, OpsgenieWebhookSchema, 'an Opsgenie alert event');
    if ('error' in read) return refuse(400, read.error);
    const { json, data } = read;
    const eventId = opsgenieEventId(raw);
    const now = deps.clock.now().toISOString();
    const payload: OpsgenieInbox = { eventId, receivedAt: now, body: json };
    const { created } = await deps.messages.enqueue({
      queue: QUEUES.opsgenieWebhooks,
      key: eventId,
      partition: data.alert.alertId,
      payload,
      at: now,
    });
    if (!created) return answer(req, res, 200, { status: 'duplicate' });
    answer(req, res, 202, { status: 'accepted' });
    deps.onStored?.();
  };
}

export function opsgenieInbox(deps: {
  priorities: ReadonlyMap<string, Severity>;
  context: IncidentContext;
  services: ServiceCatalog;
}): QueueHandler {
  return {
    queue: QUEUES.opsgenieWebhooks,
    leaseMs: 30_000,
    maxAttempts: 10,
    async handle(message) {
      const p = message.payload as OpsgenieInbox;
      const parsed = OpsgenieWebhookSchema.safeParse(p.body);
      if (!parsed.success) return { kind: 'failed', problem: 'stored delivery no longer parses' };
      const event = readOpsgenieEvent(parsed.data, p.eventId, deps.priorities, p.receivedAt);
      const result = await applyExternalEvent(deps.context, event, deps.services);
      return { kind: 'done', note: result.incidentId ? `${result.incidentId}: ${result.note}` : result.note };
    },
  };
}
