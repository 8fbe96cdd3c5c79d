import { escalationPlan } from '../../incident/escalation.js';
import type { SeverityFramework } from '../../severity/framework.js';
import type { Severity } from '../../severity/signals.js';
import type { Incident } from '../../store/types.js';
import type { PagerDutySettings } from '../config.js';
import type { OutboundRequest } from '../http.js';
import { DEDUP_PREFIX } from '../inbound/apply.js';
import type { Secret } from '../secrets.js';

type EventsSettings = NonNullable<PagerDutySettings['events']>;

export type EventAction = 'trigger' | 'acknowledge' | 'resolve';

/** Events API v2 severities for ours. */
const PD_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  SEV1: 'critical',
  SEV2: 'error',
  SEV3: 'warning',
  SEV4: 'info',
};

/** The one dedup key of an incident's page, on every routing key it is sent to. */
export function dedupKey(incidentId: string): string {
  return `${DEDUP_PREFIX}${incidentId}`;
}

/** The escalation targets paged through one routing key. */
export interface PageGroup {
  key: Secret;
  targets: string[];
}

/**
 * Who the severity framework says to page for this incident, grouped by the routing key each
 * target is configured with (one event per key): a target named under `page`, the incident's
 * services' keys for a per_service target, else the default key. Targets with no key at all are
 * `unrouted`, and the timeline says they were not paged.
 */
export function pageGroups(
  settings: EventsSettings,
  framework: SeverityFramework,
  incident: Incident,
): { groups: PageGroup[]; unrouted: string[] } {
  const plan = escalationPlan(framework, incident.severity, { now: new Date(0) });
  const byKey = new Map<string, PageGroup>();
  const unrouted: string[] = [];
  const add = (key: Secret, target: string): void => {
    const group = byKey.get(key.fingerprint) ?? { key, targets: [] };
    if (!group.targets.includes(target)) group.targets.push(target);
    byKey.set(key.fingerprint, group);
  };
  for (const target of plan.triggered ? plan.page : []) {
    const configured = settings.page.get(target);
    if (configured?.kind === 'key') add(configured.key, target);
    else if (configured?.kind === 'per_service') {
      const keys = incident.services.map((s) => settings.serviceKeys.get(s)).filter((k): k is Secret => !!k);
      if (keys.length) for (const k of keys) add(k, target);
      else if (settings.defaultKey) add(settings.defaultKey, target);
      else unrouted.push(target);
    } else if (settings.defaultKey) add(settings.defaultKey, target);
    else unrouted.push(target);
  }
  return { groups: [...byKey.values()], unrouted };
}

/** Every routing key the settings hold, by fingerprint: an acknowledge or resolve goes where the trigger went. */
export function keysByFingerprint(settings: EventsSettings): Map<string, Secret> {
  const keys = [
    ...(settings.defaultKey ? [settings.defaultKey] : []),
    ...[...settings.page.values()].flatMap((t) => (t.kind === 'key' ? [t.key] : [])),
    ...settings.serviceKeys.values(),
  ];
  return new Map(keys.map((k) => [k.fingerprint, k]));
}

/** One Events API v2 request: a trigger carries the incident; acknowledge and resolve only the dedup key. */
export function eventRequest(
  settings: EventsSettings,
  key: Secret,
  action: EventAction,
  incident: Incident,
  targets: readonly string[],
  at: string,
): OutboundRequest {
  const body: Record<string, unknown> = {
    routing_key: key.reveal(),
    event_action: action,
    dedup_key: dedupKey(incident.id),
  };
  if (action === 'trigger') {
    body['client'] = 'incident-commander';
    body['payload'] = {
      summary: `[${incident.severity}] ${incident.id} ${incident.title}`.slice(0, 1024),
      source: 'incident-commander',
      severity: PD_SEVERITY[incident.severity],
      timestamp: at,
      ...(incident.services[0] ? { component: incident.services[0] } : {}),
      class: 'incident',
      custom_details: {
        incident: incident.id,
        severity: incident.severity,
        status: incident.status,
        services: incident.services,
        paging: targets,
        started_at: incident.startedAt,
        impact: incident.impact.description.slice(0, 1000),
      },
    };
  }
  return {
    method: 'POST',
    url: `${settings.url.replace(/\/$/, '')}/v2/enqueue`,
    headers: {},
    body,
    secrets: [key],
    purpose: `${action} the page for ${incident.id}`,
  };
}
