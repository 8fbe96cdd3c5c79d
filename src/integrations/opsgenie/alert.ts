import { createHash } from 'node:crypto';
import { z } from 'zod';
import { oneLine, printable } from '../../core/control.js';
import type { Severity } from '../../severity/signals.js';
import type { ExternalEvent, ExternalKind } from '../inbound/event.js';

/**
 * Opsgenie's outgoing-webhook alert format, for teams still on it. Only the format is read: the
 * commander calls no Opsgenie API (Opsgenie's API ends in April 2027). Unknown fields are allowed.
 */
export const OpsgenieWebhookSchema = z.object({
  action: z.string().min(1).max(60),
  alert: z.object({
    alertId: z.string().min(1).max(128),
    message: z.string().max(4000).nullish(),
    alias: z.string().max(2000).nullish(),
    tinyId: z.union([z.string().max(32), z.number()]).nullish(),
    description: z.string().max(60_000).nullish(),
    tags: z.array(z.string().max(200)).max(100).nullish(),
    details: z.record(z.string(), z.unknown()).nullish(),
    priority: z.string().max(10).nullish(),
    entity: z.string().max(1000).nullish(),
    source: z.string().max(1000).nullish(),
    username: z.string().max(200).nullish(),
    owner: z.string().max(200).nullish(),
    note: z.string().max(25_000).nullish(),
    createdAt: z.number().nullish(),
    updatedAt: z.number().nullish(),
  }),
  source: z.object({ name: z.string().max(200).nullish(), type: z.string().max(60).nullish() }).nullish(),
});
export type OpsgenieWebhook = z.output<typeof OpsgenieWebhookSchema>;

const KINDS: Record<string, ExternalKind> = {
  create: 'opened',
  acknowledge: 'acknowledged',
  unacknowledge: 'unacknowledged',
  close: 'resolved',
  addnote: 'note',
  escalate: 'escalated',
  assignownership: 'reassigned',
  takeownership: 'reassigned',
  updatepriority: 'priority',
};

const STATES: Partial<Record<ExternalKind, string>> = {
  opened: 'open',
  acknowledged: 'acked',
  unacknowledged: 'open',
  resolved: 'closed',
};

/** Opsgenie stamps createdAt in milliseconds and updatedAt in nanoseconds; either may be seconds elsewhere. */
function epoch(value: number | null | undefined): string | null {
  if (!value || !Number.isFinite(value) || value <= 0) return null;
  const ms = value > 1e15 ? value / 1e6 : value > 1e12 ? value : value * 1000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The delivery's id: Opsgenie sends none, so the hash of the body (a retry sends the same body). */
export function opsgenieEventId(raw: Buffer): string {
  return `og-${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
}

/** Reads an Opsgenie alert event into an ExternalEvent, with its priority mapped to a severity here. */
export function readOpsgenieEvent(
  webhook: OpsgenieWebhook,
  eventId: string,
  priorities: ReadonlyMap<string, Severity>,
  receivedAt: string,
): ExternalEvent {
  const { alert } = webhook;
  const kind = KINDS[webhook.action.toLowerCase()] ?? 'other';
  const priority = alert.priority?.trim().toUpperCase() ?? null;
  const level = priority ? priorities.get(priority) : undefined;
  const details = alert.details ?? {};
  const service =
    (typeof details['service'] === 'string' ? details['service'] : null) ?? alert.entity ?? alert.tags?.[0] ?? null;
  const text =
    kind === 'note'
      ? alert.note
      : kind === 'reassigned' || kind === 'escalated'
        ? alert.owner
        : kind === 'resolved'
          ? 'closed'
          : null;
  return {
    system: 'opsgenie',
    recordKind: 'alert',
    eventId,
    type: webhook.action,
    ref: alert.alertId,
    url: null,
    number: alert.tinyId != null ? String(alert.tinyId) : null,
    kind,
    occurredAt: epoch(alert.updatedAt) ?? epoch(alert.createdAt) ?? receivedAt,
    actor: alert.username
      ? oneLine(alert.username, 100)
      : webhook.source?.name
        ? oneLine(webhook.source.name, 100)
        : null,
    state: STATES[kind] ?? null,
    title: alert.message ? oneLine(alert.message, 1024) || null : null,
    severity: level ? { level, basis: `Opsgenie priority ${priority}` } : null,
    service: service ? { id: null, name: oneLine(service, 200) } : null,
    incidentKey: alert.alias ? oneLine(alert.alias, 512) : null,
    text: text ? printable(text, 4000).trim() || null : null,
    createdAt: epoch(alert.createdAt),
  };
}
