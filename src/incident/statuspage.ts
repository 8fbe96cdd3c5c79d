import { z } from 'zod';
import type { ServiceCatalog } from '../config/services.js';
import type { Severity } from '../severity/signals.js';
import type { Incident } from '../store/types.js';

/** Statuspage's incident vocabulary: status, impact and per-component status. */
export const StatuspageSchema = z.object({
  name: z.string(),
  status: z.enum(['investigating', 'identified', 'monitoring', 'resolved']),
  impact: z.enum(['none', 'minor', 'major', 'critical']),
  body: z.string(),
  components: z.array(
    z.object({
      name: z.string(),
      status: z.enum(['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance']),
    }),
  ),
});
export type StatuspageIncident = z.output<typeof StatuspageSchema>;

const IMPACT: Record<Severity, StatuspageIncident['impact']> = {
  SEV1: 'critical',
  SEV2: 'major',
  SEV3: 'minor',
  SEV4: 'none',
};

/** What an open incident's severity says of its components when the reports do not say how they fare. */
const BY_SEVERITY: Record<Severity, StatuspageIncident['components'][number]['status']> = {
  SEV1: 'major_outage',
  SEV2: 'partial_outage',
  SEV3: 'degraded_performance',
  SEV4: 'operational',
};

export function componentStatus(incident: Incident): StatuspageIncident['components'][number]['status'] {
  if (incident.status === 'resolved') return 'operational';
  const { state, usersAffectedPct } = incident.signals;
  if (state === 'down')
    return usersAffectedPct !== undefined && usersAffectedPct < 50 ? 'partial_outage' : 'major_outage';
  if (state === 'degraded') return 'degraded_performance';
  if (state === 'healthy' || state === 'at_risk') return 'operational';
  return BY_SEVERITY[incident.severity];
}

/** The status page components an incident's services appear as: each service's component, else its display name. */
export function componentNames(incident: Incident, services: ServiceCatalog): string[] {
  const names = incident.services
    .map((s) => services.services.get(s))
    .filter((s) => s !== undefined)
    .map((s) => s.status_page_component ?? s.display_name)
    .filter((n): n is string => !!n);
  return [...new Set(names)];
}

export const STATUSPAGE_IMPACT = IMPACT;

export function statuspagePayload(incident: Incident, body: string, services: ServiceCatalog): StatuspageIncident {
  return {
    name: body.split('\n')[0]?.trim() ?? incident.title,
    status: incident.status,
    impact: IMPACT[incident.severity],
    body: body.split('\n').slice(1).join('\n').trim(),
    components: componentNames(incident, services).map((name) => ({ name, status: componentStatus(incident) })),
  };
}
