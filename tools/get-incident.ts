import { z } from 'zod';
import { incidentView } from '../src/incident/view.js';
import { incidentId, limit } from '../src/registry/fields.js';
import {
  ActionItemSchema,
  DurationsSchema,
  EscalationSchema,
  HypothesisSchema,
  IncidentSchema,
  RoleAssignmentSchema,
  ScheduleSchema,
  TimelineEventSchema,
} from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';
import { SEVERITIES } from '../src/severity/signals.js';

const input = z
  .object({
    incidentId: incidentId(),
    timelineLimit: limit(20, 500).describe(
      'Newest timeline entries to include (default 20, at most 500), returned oldest first.',
    ),
  })
  .strict();

const output = z.object({
  incident: IncidentSchema,
  roles: z.array(RoleAssignmentSchema),
  severityHistory: z.array(
    z.object({
      at: z.string(),
      from: z.enum(SEVERITIES).nullable(),
      to: z.enum(SEVERITIES),
      reason: z.string(),
      author: z.string(),
    }),
  ),
  schedule: z.array(ScheduleSchema),
  escalation: EscalationSchema,
  actionItems: z.array(ActionItemSchema),
  hypotheses: z.array(HypothesisSchema),
  durations: DurationsSchema,
  postmortem: z.object({ dueAt: z.string().nullable(), publishedAt: z.string().nullable(), overdue: z.boolean() }),
  timeline: z.array(TimelineEventSchema),
  timelineTotal: z.number(),
  timelineTruncated: z.boolean(),
  attention: z.array(z.string()).describe('What needs doing now: overdue updates, unfilled roles, escalations due.'),
});

export const getIncident = defineTool({
  name: 'get_incident',
  title: 'Get incident',
  description:
    'Read one incident\'s live state: severity and its history, roles (and who is still needed), when each audience\'s next update is due (and which are overdue), escalation triggers, hypotheses with their time-boxes (expired ones flagged), action items, lifecycle durations, the post-mortem due time, and the newest timeline entries (default 20, max 500, with the total). "attention" lists what needs doing now.',
  input,
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (args, ctx) => incidentView(ctx, args.incidentId, { timelineLimit: args.timelineLimit }),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as getIncidentOutput };
