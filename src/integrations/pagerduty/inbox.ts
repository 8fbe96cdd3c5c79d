import type { ServiceCatalog } from '../../config/services.js';
import type { IncidentContext } from '../../incident/context.js';
import type { PagerDutySettings } from '../config.js';
import { applyExternalEvent } from '../inbound/apply.js';
import { QUEUES, type QueueHandler } from '../queue.js';
import type { InboxPayload } from './receive.js';
import { PagerDutyWebhookSchema, readPagerDutyEvent } from './webhook.js';

/** Handles the PagerDuty inbox: each stored delivery applied to the record, one PagerDuty incident at a time, in arrival order. */
export function pagerdutyInbox(deps: {
  settings: NonNullable<PagerDutySettings['webhooks']>;
  context: IncidentContext;
  services: ServiceCatalog;
  /** After an event is applied: a PagerDuty incident was opened or changed here (the outbound side may react). */
  onApplied?: (incidentId: string) => void;
}): QueueHandler {
  return {
    queue: QUEUES.pagerdutyWebhooks,
    leaseMs: 30_000,
    maxAttempts: 10,
    async handle(message) {
      const parsed = PagerDutyWebhookSchema.safeParse((message.payload as InboxPayload).body);
      if (!parsed.success) return { kind: 'failed', problem: 'stored delivery no longer parses' };
      const event = readPagerDutyEvent(parsed.data, deps.settings);
      if (!event) return { kind: 'done', note: `ignored ${parsed.data.event.event_type}` };
      const result = await applyExternalEvent(deps.context, event, deps.services);
      if (result.incidentId) deps.onApplied?.(result.incidentId);
      return { kind: 'done', note: result.incidentId ? `${result.incidentId}: ${result.note}` : result.note };
    },
  };
}
