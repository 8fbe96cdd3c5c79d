import type { Severity } from '../../severity/signals.js';

/** What happened to a record in another system, in the words the commander acts on. */
export const EXTERNAL_KINDS = [
  'opened',
  'acknowledged',
  'unacknowledged',
  'resolved',
  'reopened',
  'escalated',
  'reassigned',
  'note',
  'priority',
  'status_update',
  'responder',
  'other',
] as const;
export type ExternalKind = (typeof EXTERNAL_KINDS)[number];

/** One event of PagerDuty or Opsgenie, read from its own format into one shape. */
export interface ExternalEvent {
  system: 'pagerduty' | 'opsgenie';
  /** What the record is in that system, as kept in the references: "incident", "alert". */
  recordKind: string;
  /** Unique per event in that system: de-duplicates deliveries and marks what is already recorded. */
  eventId: string;
  /** The event's own type ("incident.acknowledged", "Acknowledge"). */
  type: string;
  /** The record's id in that system. */
  ref: string;
  url: string | null;
  /** The record's short number there (PagerDuty #1234, Opsgenie tinyId). */
  number: string | null;
  kind: ExternalKind;
  occurredAt: string;
  /** Who did it, as that system names them. */
  actor: string | null;
  /** The record's state after the event ("triggered", "acknowledged", "resolved"), when the event carries it. */
  state: string | null;
  title: string | null;
  /** The severity its priority or urgency maps to, and why. */
  severity: { level: Severity; basis: string } | null;
  service: { id: string | null; name: string | null } | null;
  /** That system's de-duplication key for the record: one of ours for the pages the commander sent. */
  incidentKey: string | null;
  /** A note's content, a status update, who it was escalated or reassigned to, why it was resolved. */
  text: string | null;
  /** When the record was created there. */
  createdAt: string | null;
}
