import type { Audience } from '../core/audiences.js';
import { addMinutes, formatClock, formatMinutes, minutesBetween } from '../core/time.js';
import type { ServiceCatalog } from '../config/services.js';
import type { SeverityLevel } from '../severity/framework.js';
import type { Incident, RoleAssignment, StakeholderUpdate } from '../store/types.js';
import type { PromptTemplate } from '../templates/library.js';
import type { EscalationPlan } from './escalation.js';

export interface UpdateRequest {
  audience: Audience;
  whatChanged?: string | undefined;
  customerMessage?: string | undefined;
  impact?: string | undefined;
  workaround?: string | undefined;
  eta?: string | undefined;
  risk?: string | undefined;
  customerSummary?: string | undefined;
  nextSteps?: readonly string[] | undefined;
  needs?: readonly string[] | undefined;
}

export interface UpdateContext {
  incident: Incident;
  level: SeverityLevel;
  roles: readonly RoleAssignment[];
  roleTitles: ReadonlyMap<string, string>;
  previous: StakeholderUpdate | null;
  escalation: EscalationPlan;
  services: ServiceCatalog;
  /** Names that must not reach customers: people in the roster, role holders, the reporter. */
  peopleNames: readonly string[];
  hypotheses: readonly string[];
  timeboxMinutes: number;
  postmortemDueAt: string | null;
  now: Date;
}

export interface DraftedUpdate {
  headline: string;
  body: string;
  noChange: boolean;
  nextUpdateAt: string | null;
  nextUpdateInMinutes: number | null;
  /** What was removed from a customer update: internal names never reach customers. */
  redactions: string[];
}

const NO_COMPONENT = 'Service disruption';
const STATUS_LABEL = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
} as const;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces people's names and internal service names in customer-facing text. */
export function scrubForCustomers(
  text: string,
  people: readonly string[],
  services: ServiceCatalog,
  incidentServices: readonly string[],
): { text: string; redactions: string[] } {
  const redactions = new Set<string>();
  let out = text;
  const names = new Set<string>();
  for (const p of people) {
    const clean = p.replace(/^@/, '').trim();
    if (clean.length >= 2) names.add(clean);
    const first = clean.split(/\s+/)[0];
    if (first && first.length >= 3 && first !== clean) names.add(first);
  }
  for (const name of [...names].sort((a, b) => b.length - a.length)) {
    const pattern = new RegExp(`(^|[^\\w@])@?${escapeRegex(name)}('s)?(?![\\w])`, 'gi');
    out = out.replace(pattern, (_m, pre: string, possessive: string | undefined) => {
      redactions.add(name);
      return `${pre}our team${possessive ? "'s" : ''}`;
    });
  }
  const serviceNames = new Set([...services.services.keys(), ...incidentServices]);
  for (const id of [...serviceNames].sort((a, b) => b.length - a.length)) {
    if (!/[-_.]/.test(id) && !services.services.has(id)) continue;
    const display = services.services.get(id)?.display_name ?? 'our service';
    // "payment-api" is also written "payment API" or "payment_api".
    const pattern = new RegExp(`\\b${id.split(/[-_.]/).map(escapeRegex).join('[-_. ]?')}\\b`, 'gi');
    out = out.replace(pattern, () => {
      redactions.add(id);
      return display;
    });
  }
  return { text: out, redactions: [...redactions] };
}

function componentsOf(incident: Incident, services: ServiceCatalog): string {
  const names = incident.services
    .map((s) => services.services.get(s)?.display_name ?? services.services.get(s)?.status_page_component)
    .filter((n): n is string => !!n);
  return names.length ? [...new Set(names)].join(', ') : NO_COMPONENT;
}

function customerImpact(incident: Incident, components: string): string {
  const what = components === NO_COMPONENT ? 'some of our services' : components;
  const { state, usersAffectedPct } = incident.signals;
  const share = usersAffectedPct !== undefined && usersAffectedPct < 100 ? ' for some customers' : '';
  if (incident.status === 'resolved') return `${what} is working normally again.`;
  if (state === 'down') return `${what} is unavailable${share}.`;
  if (state === 'degraded') return `${what} is slow or failing intermittently for some customers.`;
  return `some customers may see errors in ${what}.`;
}

function defaultRisk(ctx: UpdateContext): string {
  const next = ctx.escalation.triggers.find((t) => t.at && !t.due && t.at > ctx.now.toISOString());
  const base =
    ctx.incident.signals.revenuePath && ctx.incident.status !== 'resolved'
      ? 'Revenue loss continues until this is mitigated.'
      : 'Impact continues until this is mitigated.';
  return next ? `${base} Escalates at ${formatClock(next.at!, ctx.now)}: ${next.action}` : base;
}

/**
 * Pure: renders one audience's update from the incident record and the template.
 * "No change" is stated plainly when nothing changed since that audience's last update.
 */
export function draftUpdate(template: PromptTemplate, request: UpdateRequest, ctx: UpdateContext): DraftedUpdate {
  const { incident, level, now } = ctx;
  const cadence = level.cadence_minutes[request.audience];
  const resolved = incident.status === 'resolved';
  const nextUpdateAt = !resolved && cadence !== null ? addMinutes(now, cadence).toISOString() : null;
  const noChange = !request.whatChanged && ctx.previous !== null && ctx.previous.status === incident.status;
  const roleLine = ctx.roles
    .map(
      (r) =>
        `${ctx.roleTitles.get(r.role) ?? r.role}: ${r.person ?? `unfilled (${r.need})`}${r.interim ? ' (interim)' : ''}`,
    )
    .join('; ');
  const needs = [...(request.needs ?? []), ...ctx.roles.filter((r) => !r.person && r.need).map((r) => r.need!)];
  const minutesSinceStart = minutesBetween(
    incident.startedAt,
    resolved && incident.resolvedAt ? incident.resolvedAt : now,
  );
  // Customers get impact in plain words, never the raw report (it holds internal names and guesses).
  const impact =
    request.impact ??
    (request.audience === 'customer'
      ? customerImpact(incident, componentsOf(incident, ctx.services))
      : incident.impact.description);
  const components = componentsOf(incident, ctx.services);
  const vars: Record<string, unknown> = {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    severityName: level.name,
    status: incident.status,
    statusLabel: STATUS_LABEL[incident.status],
    investigating: incident.status === 'investigating',
    identified: incident.status === 'identified',
    monitoring: incident.status === 'monitoring',
    resolved,
    noChange,
    whatChanged: request.whatChanged ?? '',
    customerUpdate: request.customerMessage ?? '',
    impact,
    problem:
      request.customerSummary ??
      `issues affecting ${components === NO_COMPONENT ? 'some of our services' : components}`,
    components,
    customerFacing: incident.impact.customerFacing ?? incident.signals.customerFacing ?? false,
    revenueImpact: incident.impact.revenueImpact ?? '',
    workaround: request.workaround ?? '',
    eta: request.eta ?? (resolved ? 'resolved' : 'not yet known; we will give one as soon as the cause is identified'),
    risk: request.risk ?? defaultRisk(ctx),
    conditions: `${incident.services.join(', ') || 'affected service unknown'} — ${impact}; ${formatMinutes(minutesSinceStart)} since start${incident.signals.usersAffectedPct !== undefined ? `, ${incident.signals.usersAffectedPct}% of users affected` : ''}.`,
    hypotheses: [...ctx.hypotheses],
    timeboxMinutes: ctx.timeboxMinutes,
    nextSteps: [...(request.nextSteps ?? [])],
    needs,
    roles: roleLine || 'not assigned yet — assign roles before troubleshooting',
    duration: formatMinutes(minutesSinceStart),
    lastUpdate: ctx.previous ? formatClock(ctx.previous.at, now) : '',
    hasNextUpdate: nextUpdateAt !== null,
    nextUpdate: nextUpdateAt ? formatClock(nextUpdateAt, now) : '',
    nextUpdateMinutes: nextUpdateAt ? cadence : '',
    noScheduleNote: resolved
      ? `Resolved. ${ctx.postmortemDueAt ? `Post-mortem due by ${formatClock(ctx.postmortemDueAt, now)}.` : ''}`.trim()
      : `No scheduled ${request.audience} updates at ${incident.severity}; next update when the status changes.`,
  };
  let rendered = template.render(vars);
  let redactions: string[] = [];
  if (request.audience === 'customer') {
    const scrubbed = scrubForCustomers(rendered, ctx.peopleNames, ctx.services, incident.services);
    rendered = scrubbed.text;
    redactions = scrubbed.redactions;
  }
  return {
    headline: (rendered.split('\n')[0] ?? '').trim(),
    body: rendered,
    noChange,
    nextUpdateAt,
    nextUpdateInMinutes: nextUpdateAt ? cadence : null,
    redactions,
  };
}
