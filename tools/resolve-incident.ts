import { z } from 'zod';
import { ConflictError, InputError } from '../src/core/errors.js';
import { formatClock } from '../src/core/time.js';
import { durations, postmortemDueAt } from '../src/incident/durations.js';
import { requireIncident } from '../src/incident/lookup.js';
import { incidentId, isoTime, person, text } from '../src/registry/fields.js';
import { DurationsSchema, IncidentSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { levelOf } from '../src/severity/framework.js';

const input = z
  .object({
    incidentId: incidentId(),
    resolution: text(2000).describe(
      'What ended the impact: "rolled back v2.14.0; error rate back to baseline at 14:32".',
    ),
    resolvedAt: isoTime().optional().describe('When customer impact ended for good (ISO 8601); defaults to now.'),
    mitigatedAt: isoTime().optional().describe('When impact first stopped, if earlier than resolution.'),
    by: person().optional(),
  })
  .strict();

const output = z.object({
  incident: IncidentSchema,
  durations: DurationsSchema,
  postmortem: z.object({ required: z.boolean(), dueAt: z.string(), deadlineHours: z.number() }),
  next: z.array(z.string()),
});

export const resolveIncident = defineTool({
  name: 'resolve_incident',
  title: 'Resolve incident',
  description: [
    'Resolve an incident: records what ended the impact and when, computes the durations (time to detect, acknowledge, mitigate, resolve) and starts the post-mortem clock: the post-mortem is due within the deadline in SOUL.md (48 hours by default).',
    'Returns the durations, the post-mortem due time and what to do next (final updates to every audience, the post-mortem with owned action items).',
  ].join(' '),
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx) {
    const now = ctx.clock.now();
    const incident = await requireIncident(ctx.store, args.incidentId);
    if (incident.status === 'resolved')
      throw new ConflictError(
        `${incident.id} was already resolved at ${incident.resolvedAt}`,
        'Nothing to do; to change it, reopen with update_incident (reopen: true, reason).',
      );
    const resolvedAt = args.resolvedAt ?? now.toISOString();
    if (resolvedAt > now.toISOString())
      throw InputError.field('resolvedAt', `is in the future (now is ${now.toISOString()})`);
    if (resolvedAt < incident.startedAt)
      throw InputError.field('resolvedAt', `is before the incident started (${incident.startedAt})`);
    const mitigatedAt = args.mitigatedAt ?? incident.mitigatedAt ?? resolvedAt;
    if (mitigatedAt > resolvedAt)
      throw InputError.field('mitigatedAt', 'is after resolvedAt: impact cannot stop after it ended');
    if (args.mitigatedAt && args.mitigatedAt < incident.startedAt)
      throw InputError.field(
        'mitigatedAt',
        `is before the incident started (${incident.startedAt}): impact cannot stop before it began`,
      );
    const by = args.by ?? ctx.actor;
    const updated = await ctx.store.updateIncident(
      incident.id,
      {
        status: 'resolved',
        resolvedAt,
        mitigatedAt,
        resolution: args.resolution,
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
          text: `Resolved: ${args.resolution}`,
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
  },
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as resolveIncidentOutput };
