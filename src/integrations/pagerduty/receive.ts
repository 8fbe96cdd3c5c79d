import type { Logger } from '../../core/logger.js';
import type { Clock } from '../../core/time.js';
import type { MessageStore } from '../../store/messages.js';
import type { PagerDutySettings } from '../config.js';
import { answer, type EndpointLimits, readEnvelope, readJsonPost, type WebhookHandler } from '../inbound/endpoint.js';
import { QUEUES } from '../queue.js';
import { verifyV1 } from './signature.js';
import { incidentIdOf, PagerDutyWebhookSchema } from './webhook.js';

/** PagerDuty retries a delivery for about 20 minutes: the same X-Webhook-Id within this is a retry. */
export const RETRY_WINDOW_MS = 60 * 60_000;
/** PagerDuty's clock may run a little ahead of ours; further ahead is not believed. */
const FUTURE_SKEW_MS = 15 * 60_000;
const WEBHOOK_ID = /^[\w.:-]{1,128}$/;

/** What the inbox keeps of a delivery: the verified event and how it came. */
export interface InboxPayload {
  webhookId: string;
  receivedAt: string;
  body: unknown;
}

export interface ReceiverDeps {
  settings: NonNullable<PagerDutySettings['webhooks']>;
  messages: MessageStore;
  clock: Clock;
  logger: Logger;
  limits: EndpointLimits;
  /** Told after a delivery is stored, so the worker handles it at once. */
  onStored?: () => void;
}

/**
 * POST /webhooks/pagerduty: checks the signature over the raw body (any v1 value, any secret),
 * then the envelope, then stores the delivery in the inbox and only then answers 202, within
 * PagerDuty's 5 seconds whatever the processing costs (it happens after, from the inbox). A
 * retry of a stored delivery gets 200 and is not stored again; the same event under another
 * delivery id, or an event older than the replay window, gets 409 or 400. Nothing is written for
 * any delivery that is refused.
 */
export function pagerdutyReceiver(deps: ReceiverDeps): WebhookHandler {
  const log = deps.logger.child({ component: 'pagerduty-webhooks' });
  return async (req, res) => {
    const raw = await readJsonPost(req, res, deps.limits);
    if (!raw) return;
    const refuse = (status: number, error: string): void => {
      log.warn({ status, remote: req.socket.remoteAddress }, `delivery refused: ${error}`);
      answer(req, res, status, { error });
    };
    const header = req.headers['x-pagerduty-signature'];
    if (!verifyV1(raw, typeof header === 'string' ? header : undefined, deps.settings.secrets))
      return refuse(
        401,
        header
          ? 'X-PagerDuty-Signature does not match the body: check the signing secret (PAGERDUTY_WEBHOOK_SECRET)'
          : 'unsigned: X-PagerDuty-Signature is missing',
      );
    const webhookId = req.headers['x-webhook-id'];
    if (typeof webhookId !== 'string' || !WEBHOOK_ID.test(webhookId))
      return refuse(400, 'X-Webhook-Id is missing or malformed');
    const read = readEnvelope(raw, PagerDutyWebhookSchema, 'a webhooks v3 event');
    if ('error' in read) return refuse(400, read.error);
    const { json, data } = read;
    const { event } = data;
    const incident = incidentIdOf(data);
    if (event.event_type.startsWith('incident.') && !incident)
      return refuse(400, `event.data of ${event.event_type} names no incident`);
    const now = deps.clock.now();
    const occurred = Date.parse(event.occurred_at);
    if (occurred < now.getTime() - deps.settings.maxEventAgeMs)
      return refuse(
        400,
        `event ${event.id} occurred at ${event.occurred_at}, too long ago: refused as a possible replay`,
      );
    if (occurred > now.getTime() + FUTURE_SKEW_MS)
      return refuse(400, `event ${event.id} occurred at ${event.occurred_at}, in the future`);

    const payload: InboxPayload = { webhookId, receivedAt: now.toISOString(), body: json };
    const { message, created } = await deps.messages.enqueue({
      queue: QUEUES.pagerdutyWebhooks,
      key: event.id,
      partition: incident ?? `${event.resource_type}:${event.id}`,
      payload,
      at: now.toISOString(),
    });
    if (!created) {
      const first = message.payload as InboxPayload;
      const retry = first.webhookId === webhookId && now.getTime() - Date.parse(message.enqueuedAt) < RETRY_WINDOW_MS;
      if (!retry) return refuse(409, `event ${event.id} was already received: refused as a replay`);
      log.info({ webhookId, event: event.id }, 'duplicate delivery: already in the inbox');
      answer(req, res, 200, { status: 'duplicate', event: event.id });
      return;
    }
    log.info({ webhookId, event: event.id, type: event.event_type, incident }, 'delivery stored');
    answer(req, res, 202, { status: 'accepted', event: event.id });
    deps.onStored?.();
  };
}
