import { z } from 'zod';
import { oneLine, printable } from '../../core/control.js';
import { parseIsoTime } from '../../core/time.js';
import type { PagerDutySettings } from '../config.js';
import type { ExternalEvent, ExternalKind } from '../inbound/event.js';

const Id = z.string().trim().min(1).max(64);
const Text = (max: number) => z.string().max(max * 4);
const Time = z
  .string()
  .max(64)
  .refine((s) => parseIsoTime(s) !== null, 'must be an ISO 8601 time');
const Reference = z.object({
  id: Id.optional(),
  summary: Text(500).nullish(),
  html_url: z.string().max(2048).nullish(),
});

/** `event.data` of an incident event: the incident as it is after the event. */
const IncidentData = z.object({
  id: Id,
  type: z.literal('incident'),
  html_url: z.string().max(2048).nullish(),
  number: z.number().int().nullish(),
  status: z.string().max(40).nullish(),
  incident_key: z.string().max(512).nullish(),
  created_at: Time.nullish(),
  title: Text(1024).nullish(),
  service: Reference.nullish(),
  assignees: z.array(Reference).max(100).nullish(),
  escalation_policy: Reference.nullish(),
  priority: Reference.nullish(),
  urgency: z.string().max(20).nullish(),
  resolve_reason: z.unknown().optional(),
});

/** `event.data` of an event about something on an incident (a note, a status update, a responder). */
const OnIncidentData = z.object({
  type: z.enum(['incident_note', 'incident_status_update', 'incident_responder']),
  id: Id.optional(),
  incident: Reference.extend({ id: Id }),
  content: Text(25_000).nullish(),
  message: Text(25_000).nullish(),
  user: Reference.nullish(),
  state: z.string().max(40).nullish(),
});

/** The webhooks v3 envelope: one event per delivery. Unknown fields are allowed (PagerDuty adds them). */
export const PagerDutyWebhookSchema = z.object({
  event: z.object({
    id: Id,
    event_type: z.string().regex(/^[a-z_]+(\.[a-z_]+){1,3}$/, 'must be an event type such as incident.triggered'),
    resource_type: z.string().max(40),
    occurred_at: Time,
    agent: Reference.nullish(),
    data: z.record(z.string(), z.unknown()),
  }),
});
export type PagerDutyWebhook = z.output<typeof PagerDutyWebhookSchema>;

const KINDS: Record<string, ExternalKind> = {
  'incident.triggered': 'opened',
  'incident.acknowledged': 'acknowledged',
  'incident.unacknowledged': 'unacknowledged',
  'incident.resolved': 'resolved',
  'incident.reopened': 'reopened',
  'incident.escalated': 'escalated',
  'incident.reassigned': 'reassigned',
  'incident.delegated': 'reassigned',
  'incident.annotated': 'note',
  'incident.priority_updated': 'priority',
  'incident.status_update_published': 'status_update',
  'incident.responder.added': 'responder',
  'incident.responder.replied': 'responder',
};

/** The PagerDuty incident a delivery is about, for its partition: in-order processing per incident. */
export function incidentIdOf(webhook: PagerDutyWebhook): string | null {
  const data = webhook.event.data;
  const incident = IncidentData.safeParse(data);
  if (incident.success) return incident.data.id;
  const on = OnIncidentData.safeParse(data);
  return on.success ? on.data.incident.id : null;
}

const clean = (text: string | null | undefined, max: number): string | null =>
  text ? oneLine(text, max) || null : null;

function severityOf(
  data: z.output<typeof IncidentData>,
  settings: NonNullable<PagerDutySettings['webhooks']>,
): ExternalEvent['severity'] {
  const priority = data.priority?.summary?.trim();
  if (priority) {
    const level = settings.priorities.get(priority.toLowerCase());
    if (level) return { level, basis: `PagerDuty priority ${oneLine(priority, 20)}` };
  }
  const urgency = data.urgency === 'low' ? 'low' : data.urgency === 'high' ? 'high' : null;
  if (urgency) return { level: settings.urgencies[urgency], basis: `PagerDuty urgency ${urgency}` };
  return null;
}

/**
 * Reads a verified webhooks v3 delivery into an ExternalEvent; null when it is not about an
 * incident (service.updated and the like: accepted and ignored). Text is bounded and stripped of
 * control characters before anything is stored.
 */
export function readPagerDutyEvent(
  webhook: PagerDutyWebhook,
  settings: NonNullable<PagerDutySettings['webhooks']>,
): ExternalEvent | null {
  const { event } = webhook;
  const kind = KINDS[event.event_type] ?? 'other';
  const occurredAt = parseIsoTime(event.occurred_at)!.toISOString();
  const actor = clean(event.agent?.summary, 100);
  const incident = IncidentData.safeParse(event.data);
  if (incident.success) {
    const d = incident.data;
    const reason =
      typeof d.resolve_reason === 'string'
        ? d.resolve_reason
        : d.resolve_reason && typeof d.resolve_reason === 'object'
          ? String((d.resolve_reason as Record<string, unknown>)['type'] ?? '')
          : '';
    const assignees = (d.assignees ?? []).map((a) => clean(a.summary, 100)).filter(Boolean);
    return {
      system: 'pagerduty',
      recordKind: 'incident',
      eventId: event.id,
      type: event.event_type,
      ref: d.id,
      url: d.html_url ? printable(d.html_url, 2048) : null,
      number: d.number != null ? String(d.number) : null,
      kind,
      occurredAt,
      actor,
      state: clean(d.status, 40),
      title: clean(d.title, 1024),
      severity: severityOf(d, settings),
      service: d.service ? { id: d.service.id ?? null, name: clean(d.service.summary, 200) } : null,
      incidentKey: clean(d.incident_key, 512),
      text:
        kind === 'resolved'
          ? clean(reason, 300)
          : kind === 'escalated' || kind === 'reassigned'
            ? assignees.join(', ') || clean(d.escalation_policy?.summary, 200)
            : null,
      createdAt: d.created_at ? parseIsoTime(d.created_at)!.toISOString() : null,
    };
  }
  const on = OnIncidentData.safeParse(event.data);
  if (!on.success) return null;
  const d = on.data;
  const text =
    d.type === 'incident_note'
      ? d.content
      : d.type === 'incident_status_update'
        ? d.message
        : [clean(d.user?.summary, 100), d.state, d.message].filter(Boolean).join(': ');
  return {
    system: 'pagerduty',
    recordKind: 'incident',
    eventId: event.id,
    type: event.event_type,
    ref: d.incident.id,
    url: d.incident.html_url ? printable(d.incident.html_url, 2048) : null,
    number: null,
    kind,
    occurredAt,
    actor,
    state: null,
    title: clean(d.incident.summary, 1024),
    severity: null,
    service: null,
    incidentKey: null,
    text: text ? printable(text, 4000).trim() || null : null,
    createdAt: null,
  };
}
