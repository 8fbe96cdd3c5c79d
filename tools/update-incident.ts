import { z } from 'zod';
import { ConflictError, InputError } from '../src/core/errors.js';
import { formatClock } from '../src/core/time.js';
import { requireIncident } from '../src/incident/lookup.js';
import { incidentId, isoTime, person, text } from '../src/registry/fields.js';
import { IncidentSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { SEVERITIES, severityRank } from '../src/severity/signals.js';
import type { IncidentPatch, NewEvent } from '../src/store/types.js';

const input = z
  .object({
    incidentId: incidentId(),
    status: z
      .enum(['investigating', 'identified', 'monitoring'])
      .optional()
      .describe(
        'identified: cause known, fix in progress; monitoring: fix applied, watching. To resolve, call resolve_incident.',
      ),
    severity: z
      .enum(SEVERITIES)
      .optional()
      .describe('A new level; needs `reason`. Kept in the severity audit trail and restarts the update schedule.'),
    reason: text(500).optional().describe('Why the severity changes, or why a resolved incident is reopened.'),
    reopen: z.boolean().optional().describe('Reopen a resolved incident (needs reason).'),
    services: z
      .array(text(63))
      .max(20)
      .optional()
      .describe('The full list of affected services (replaces the current list).'),
    usersAffected: z.number().int().min(0).optional(),
    usersAffectedPct: z.number().min(0).max(100).optional(),
    revenueImpact: z.number().min(0).optional().describe('Revenue lost or at risk so far.'),
    customerFacing: z.boolean().optional(),
    impact: text(1000).optional().describe('Impact in words, for updates and the post-mortem.'),
    mitigatedAt: isoTime()
      .optional()
      .describe(
        'When customer impact stopped, if not now (ISO 8601). Setting status monitoring records mitigation now.',
      ),
    by: person().optional(),
  })
  .strict();

const output = z.object({ incident: IncidentSchema, changes: z.array(z.string()) });

export const updateIncident = defineTool({
  name: 'update_incident',
  title: 'Update incident',
  description: [
    'Move an incident through its lifecycle (investigating → identified → monitoring; resolve with resolve_incident), change its severity with a reason (kept as an audit trail; the update cadence follows the new level), and record services and impact figures (users, revenue, customer-facing).',
    'Each change goes on the timeline. Lowering severity needs a reason; so does reopening a resolved incident.',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const now = ctx.clock.now();
    const at = now.toISOString();
    const by = args.by ?? ctx.actor;
    const incident = await requireIncident(ctx.store, args.incidentId);
    if (incident.status === 'resolved' && !args.reopen)
      throw new ConflictError(
        `${incident.id} is resolved`,
        'Pass reopen: true with a reason to reopen it, or open a new incident.',
      );
    if (args.reopen && !args.reason) throw InputError.field('reason', 'is required to reopen an incident');
    if (args.severity && args.severity !== incident.severity && !args.reason)
      throw InputError.field('reason', `is required to change severity ${incident.severity} → ${args.severity}`);
    let mitigatedAt: string | undefined;
    if (args.mitigatedAt !== undefined) {
      if (args.mitigatedAt > at) throw InputError.field('mitigatedAt', `is in the future (now is ${at})`);
      if (args.mitigatedAt < incident.startedAt)
        throw InputError.field(
          'mitigatedAt',
          `is before the incident started (${incident.startedAt}): impact cannot stop before it began`,
        );
      mitigatedAt = args.mitigatedAt;
    }

    const patch: IncidentPatch = {};
    const events: NewEvent[] = [];
    const changes: string[] = [];
    if (args.reopen && incident.status === 'resolved') {
      patch.status = 'investigating';
      patch.resolvedAt = null;
      changes.push(`reopened (${args.reason})`);
      events.push({
        at,
        author: by,
        kind: 'status',
        text: `Reopened: ${args.reason}`,
        data: { from: 'resolved', to: 'investigating' },
      });
    }
    if (args.status && args.status !== (patch.status ?? incident.status)) {
      patch.status = args.status;
      changes.push(`status ${incident.status} → ${args.status}`);
      events.push({
        at,
        author: by,
        kind: 'status',
        text: `Status: ${args.status}`,
        data: { from: incident.status, to: args.status },
      });
      if (args.status === 'monitoring' && !incident.mitigatedAt && !mitigatedAt) mitigatedAt = at;
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
    if (args.services) {
      patch.services = [...new Set(args.services)];
      changes.push(`services: ${patch.services.join(', ') || 'none'}`);
    }
    const impactChanged = ['usersAffected', 'usersAffectedPct', 'revenueImpact', 'customerFacing', 'impact'].some(
      (k) => args[k as keyof typeof args] !== undefined,
    );
    if (impactChanged) {
      patch.impact = {
        ...incident.impact,
        ...(args.usersAffected !== undefined ? { usersAffected: args.usersAffected } : {}),
        ...(args.usersAffectedPct !== undefined ? { usersAffectedPct: args.usersAffectedPct } : {}),
        ...(args.revenueImpact !== undefined ? { revenueImpact: args.revenueImpact } : {}),
        ...(args.customerFacing !== undefined ? { customerFacing: args.customerFacing } : {}),
        ...(args.impact !== undefined ? { description: args.impact } : {}),
      };
      changes.push('impact figures');
      events.push({
        at,
        author: by,
        kind: 'note',
        text: `Impact updated: ${JSON.stringify({ usersAffected: patch.impact.usersAffected, usersAffectedPct: patch.impact.usersAffectedPct, revenueImpact: patch.impact.revenueImpact, customerFacing: patch.impact.customerFacing })}`,
      });
    }
    if (!changes.length && !(args.severity && args.severity !== incident.severity))
      throw InputError.field(
        '(input)',
        'nothing to change: give status, severity (with reason), services or impact figures',
      );

    let updated = await ctx.store.updateIncident(incident.id, patch, events, at);
    if (args.severity && args.severity !== incident.severity) {
      const lowering = severityRank(args.severity) > severityRank(incident.severity);
      const result = await ctx.store.changeSeverity(
        incident.id,
        { to: args.severity, reason: args.reason!, author: by, at, criteria: [] },
        [
          {
            at,
            author: by,
            kind: 'severity',
            text: `Severity ${incident.severity} → ${args.severity}${lowering ? ' (lowered)' : ''}: ${args.reason}`,
            data: { from: incident.severity, to: args.severity },
          },
        ],
      );
      updated = result.incident;
      changes.push(`severity ${incident.severity} → ${args.severity}`);
    }
    return { incident: updated, changes };
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as updateIncidentOutput };
