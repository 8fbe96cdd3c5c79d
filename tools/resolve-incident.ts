import { z } from 'zod';
import { resolveIncident as resolve } from '../src/incident/lifecycle.js';
import { incidentId, isoTime, person, text } from '../src/registry/fields.js';
import { DurationsSchema, IncidentSchema } from '../src/registry/schemas.js';
import { defineTool } from '../src/registry/types.js';

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
  handler: (args, ctx) => resolve(ctx, args),
});

/** The output schema, for readers of this tool's results (the offline playbook). */
export { output as resolveIncidentOutput };
