import type { EventKind } from '../store/types.js';
import type { IncidentContext } from './context.js';

export interface ExternalReport {
  incidentId: string;
  /** When it happened in the other system; a time ahead of this clock is taken as now. */
  at: string;
  /** Who did it, as that system names them ("Alice Ng (PagerDuty)"). */
  author: string;
  kind: Extract<EventKind, 'note' | 'escalation' | 'milestone' | 'roles' | 'action' | 'observation'>;
  text: string;
  data: Record<string, unknown>;
  /** Someone took the page: the incident is acknowledged from `at`, if it was not already. */
  acknowledges?: boolean;
}

/**
 * What another system (PagerDuty, Opsgenie) reports about an incident: one timeline entry with its
 * source, written with the acknowledgement it implies in the same write.
 */
export async function recordExternalReport(ctx: IncidentContext, report: ExternalReport): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const at = [report.at, now].sort()[0]!;
  const event = { at, author: report.author, kind: report.kind, text: report.text, data: report.data };
  const incident = report.acknowledges ? await ctx.store.getIncident(report.incidentId) : null;
  if (incident && !incident.acknowledgedAt)
    await ctx.store.updateIncident(report.incidentId, { acknowledgedAt: at }, [event], now);
  else await ctx.store.appendEvents(report.incidentId, [event]);
}
