import { ConflictError, InputError } from '../core/errors.js';
import { formatClock } from '../core/time.js';
import { levelOf } from '../severity/framework.js';
import { type Severity, severityRank } from '../severity/signals.js';
import type { Incident, IncidentPatch, NewEvent } from '../store/types.js';
import type { IncidentContext } from './context.js';
import { type Durations, durations, postmortemDueAt } from './durations.js';
import { requireIncident } from './lookup.js';

export interface UpdateRequest {
  incidentId: string;
  status?: 'investigating' | 'identified' | 'monitoring' | undefined;
  severity?: Severity | undefined;
  /** Why the severity changes, or why a resolved incident is reopened. */
  reason?: string | undefined;
  reopen?: boolean | undefined;
  /** The full list of affected services (replaces the current list). */
  services?: readonly string[] | undefined;
  usersAffected?: number | undefined;
  usersAffectedPct?: number | undefined;
  revenueImpact?: number | undefined;
  customerFacing?: boolean | undefined;
  impact?: string | undefined;
  mitigatedAt?: string | undefined;
  /** When the impact really began, when it turns out to differ from what was declared. */
  startedAt?: string | undefined;
  by?: string | undefined;
}

export interface Updated {
  incident: Incident;
  changes: string[];
}

/**
 * Moves an incident through its lifecycle, changes its severity with a reason (an audit trail; the
 * cadence follows the new level) and records services and impact, each change on the timeline.
 */
export async function updateIncident(ctx: IncidentContext, request: UpdateRequest): Promise<Updated> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const by = request.by ?? ctx.actor;
  const incident = await requireIncident(ctx.store, request.incidentId);
  if (incident.status === 'resolved' && !request.reopen)
    throw new ConflictError(
      `${incident.id} is resolved`,
      'Pass reopen: true with a reason to reopen it, or open a new incident.',
    );
  if (request.reopen && !request.reason) throw InputError.field('reason', 'is required to reopen an incident');
  if (request.severity && request.severity !== incident.severity && !request.reason)
    throw InputError.field('reason', `is required to change severity ${incident.severity} → ${request.severity}`);
  let mitigatedAt: string | undefined;
  if (request.mitigatedAt !== undefined) {
    if (request.mitigatedAt > at) throw InputError.field('mitigatedAt', `is in the future (now is ${at})`);
    if (request.mitigatedAt < incident.startedAt)
      throw InputError.field(
        'mitigatedAt',
        `is before the incident started (${incident.startedAt}): impact cannot stop before it began`,
      );
    mitigatedAt = request.mitigatedAt;
  }

  if (request.startedAt !== undefined) {
    if (request.startedAt > at) throw InputError.field('startedAt', `is in the future (now is ${at})`);
    if (incident.mitigatedAt && request.startedAt > incident.mitigatedAt)
      throw InputError.field('startedAt', `is after the impact was mitigated (${incident.mitigatedAt})`);
  }

  const patch: IncidentPatch = {};
  const events: NewEvent[] = [];
  const changes: string[] = [];
  if (request.startedAt !== undefined && request.startedAt !== incident.startedAt) {
    patch.startedAt = request.startedAt;
    if (request.startedAt > incident.detectedAt) patch.detectedAt = request.startedAt;
    changes.push(`started at ${formatClock(request.startedAt, now)}`);
    events.push({
      at,
      author: by,
      kind: 'note',
      text: `Impact start corrected: ${formatClock(incident.startedAt, now)} → ${formatClock(request.startedAt, now)}`,
      data: { startedAt: request.startedAt, was: incident.startedAt },
    });
  }
  if (request.reopen && incident.status === 'resolved') {
    patch.status = 'investigating';
    patch.resolvedAt = null;
    changes.push(`reopened (${request.reason})`);
    events.push({
      at,
      author: by,
      kind: 'status',
      text: `Reopened: ${request.reason}`,
      data: { from: 'resolved', to: 'investigating' },
    });
  }
  if (request.status && request.status !== (patch.status ?? incident.status)) {
    patch.status = request.status;
    changes.push(`status ${incident.status} → ${request.status}`);
    events.push({
      at,
      author: by,
      kind: 'status',
      text: `Status: ${request.status}`,
      data: { from: incident.status, to: request.status },
    });
    if (request.status === 'monitoring' && !incident.mitigatedAt && !mitigatedAt) mitigatedAt = at;
  }
  if (mitigatedAt && mitigatedAt !== incident.mitigatedAt) {
    patch.mitigatedAt = mitigatedAt;
    changes.push(`mitigated at ${formatClock(mitigatedAt, now)}`);
    events.push({
      at: mitigatedAt,
      author: by,
      kind: 'milestone',
      text: 'Mitigated: customer impact stopped',
      data: { milestone: 'mitigated' },
    });
  }
  if (!incident.acknowledgedAt) patch.acknowledgedAt = at;
  if (request.services) {
    patch.services = [...new Set(request.services)];
    changes.push(`services: ${patch.services.join(', ') || 'none'}`);
  }
  const impactChanged = [
    request.usersAffected,
    request.usersAffectedPct,
    request.revenueImpact,
    request.customerFacing,
    request.impact,
  ].some((v) => v !== undefined);
  if (impactChanged) {
    patch.impact = {
      ...incident.impact,
      ...(request.usersAffected !== undefined ? { usersAffected: request.usersAffected } : {}),
      ...(request.usersAffectedPct !== undefined ? { usersAffectedPct: request.usersAffectedPct } : {}),
      ...(request.revenueImpact !== undefined ? { revenueImpact: request.revenueImpact } : {}),
      ...(request.customerFacing !== undefined ? { customerFacing: request.customerFacing } : {}),
      ...(request.impact !== undefined ? { description: request.impact } : {}),
    };
    changes.push('impact figures');
    events.push({
      at,
      author: by,
      kind: 'note',
      text: `Impact updated: ${JSON.stringify({ usersAffected: patch.impact.usersAffected, usersAffectedPct: patch.impact.usersAffectedPct, revenueImpact: patch.impact.revenueImpact, customerFacing: patch.impact.customerFacing })}`,
    });
  }
  const severityChanges = request.severity !== undefined && request.severity !== incident.severity;
  if (!changes.length && !severityChanges)
    throw InputError.field(
      '(input)',
      'nothing to change: give status, severity (with reason), services, impact figures or startedAt',
    );

  let updated = await ctx.store.updateIncident(incident.id, patch, events, at);
  if (request.severity && severityChanges) {
    const lowering = severityRank(request.severity) > severityRank(incident.severity);
    const result = await ctx.store.changeSeverity(
      incident.id,
      { to: request.severity, reason: request.reason!, author: by, at, criteria: [] },
      [
        {
          at,
          author: by,
          kind: 'severity',
          text: `Severity ${incident.severity} → ${request.severity}${lowering ? ' (lowered)' : ''}: ${request.reason}`,
          data: { from: incident.severity, to: request.severity },
        },
      ],
    );
    updated = result.incident;
    changes.push(`severity ${incident.severity} → ${request.severity}`);
  }
  return { incident: updated, changes };
}

export interface ResolveRequest {
  incidentId: string;
  /** What ended the impact. */
  resolution: string;
  resolvedAt?: string | undefined;
  mitigatedAt?: string | undefined;
  by?: string | undefined;
}

export interface Resolved {
  incident: Incident;
  durations: Durations;
  postmortem: { required: boolean; dueAt: string; deadlineHours: number };
  next: string[];
}

/** Resolves an incident: records what ended the impact and when, and starts the post-mortem clock. */
export async function resolveIncident(ctx: IncidentContext, request: ResolveRequest): Promise<Resolved> {
  const now = ctx.clock.now();
  const incident = await requireIncident(ctx.store, request.incidentId);
  if (incident.status === 'resolved')
    throw new ConflictError(
      `${incident.id} was already resolved at ${incident.resolvedAt}`,
      'Nothing to do; to change it, reopen with update_incident (reopen: true, reason).',
    );
  const resolvedAt = request.resolvedAt ?? now.toISOString();
  if (resolvedAt > now.toISOString())
    throw InputError.field('resolvedAt', `is in the future (now is ${now.toISOString()})`);
  if (resolvedAt < incident.startedAt)
    throw InputError.field('resolvedAt', `is before the incident started (${incident.startedAt})`);
  const mitigatedAt = request.mitigatedAt ?? incident.mitigatedAt ?? resolvedAt;
  if (mitigatedAt > resolvedAt)
    throw InputError.field('mitigatedAt', 'is after resolvedAt: impact cannot stop after it ended');
  if (request.mitigatedAt && request.mitigatedAt < incident.startedAt)
    throw InputError.field(
      'mitigatedAt',
      `is before the incident started (${incident.startedAt}): impact cannot stop before it began`,
    );
  const by = request.by ?? ctx.actor;
  const updated = await ctx.store.updateIncident(
    incident.id,
    {
      status: 'resolved',
      resolvedAt,
      mitigatedAt,
      resolution: request.resolution,
      ...(incident.acknowledgedAt ? {} : { acknowledgedAt: resolvedAt }),
    },
    [
      ...(incident.mitigatedAt
        ? []
        : [
            {
              at: mitigatedAt,
              author: by,
              kind: 'milestone' as const,
              text: 'Mitigated: customer impact stopped',
              data: { milestone: 'mitigated' },
            },
          ]),
      {
        at: resolvedAt,
        author: by,
        kind: 'status',
        text: `Resolved: ${request.resolution}`,
        data: { from: incident.status, to: 'resolved', milestone: 'resolved' },
      },
    ],
    now.toISOString(),
  );
  const hours = ctx.settings.postmortem_deadline_hours;
  const dueAt = postmortemDueAt(updated, hours)!;
  const required = levelOf(ctx.severity, updated.severity).postmortem_required;
  return {
    incident: updated,
    durations: durations(updated),
    postmortem: { required, dueAt, deadlineHours: hours },
    next: [
      'Send the final update to every audience: customers (resolved), executives (impact, duration), engineering (what fixed it).',
      `${required ? 'Post-mortem required' : 'Post-mortem recommended'}: due by ${formatClock(dueAt, now)} (${hours} h) — timeline, impact assessment, action items with owners and due dates (generate_postmortem).`,
    ],
  };
}
