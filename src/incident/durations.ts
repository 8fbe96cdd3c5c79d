import { addMinutes, minutesBetween } from '../core/time.js';
import type { Incident } from '../store/types.js';

/** Minutes from one lifecycle milestone to the next; null where a milestone is missing. */
export interface Durations {
  timeToDetectMinutes: number | null;
  timeToAcknowledgeMinutes: number | null;
  timeToMitigateMinutes: number | null;
  timeToResolveMinutes: number | null;
}

const span = (from: string | null, to: string | null): number | null =>
  from && to ? Math.max(0, Math.round(minutesBetween(from, to) * 10) / 10) : null;

/**
 * From the milestones the timeline records: detected (declaration), acknowledged (the first roles,
 * an IC took it), mitigated (status monitoring, or stated), resolved.
 */
export function durations(incident: Incident): Durations {
  return {
    timeToDetectMinutes: span(incident.startedAt, incident.detectedAt),
    timeToAcknowledgeMinutes: span(incident.detectedAt, incident.acknowledgedAt),
    timeToMitigateMinutes: span(incident.startedAt, incident.mitigatedAt),
    timeToResolveMinutes: span(incident.startedAt, incident.resolvedAt),
  };
}

/** When the post-mortem is due: the deadline (SOUL.md, 48 h by default) after resolution. */
export function postmortemDueAt(incident: Incident, deadlineHours: number): string | null {
  return incident.resolvedAt ? addMinutes(incident.resolvedAt, deadlineHours * 60).toISOString() : null;
}
